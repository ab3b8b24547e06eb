import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps `npm run bench` working: a very short run must print the JSON document with every row.
test('npm run bench prints JSON with the machine, measurements, COSE/raw ratios and FDO onboardings', () => {
  const script = new URL('../../bench/run.ts', import.meta.url).pathname;
  // Fleets of 200 devices and a small SBOM match: the full sizes take minutes, and this only checks the document.
  const small = { BENCH_SECONDS: '0.02', BENCH_SBOM_COMPONENTS: '200', BENCH_OSV_RECORDS: '2000', BENCH_ASSESS_RUNS: '1' };
  // The console fleet page: the same 200 devices, a few requests per page and one load in Chromium.
  const consolePage = { BENCH_CONSOLE_REQUESTS: '3', BENCH_CONSOLE_LOADS: '1' };
  const r = spawnSync(process.execPath, [script, '--devices', '200'], {
    env: { ...process.env, ...small, ...consolePage },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    machine: { node: string };
    results: { name: string; opsPerSec: number }[];
    ratios: { ratio: number }[];
    fdo: { name: string; ratio: number; operations: Record<string, number> }[];
    sbomMatch: unknown;
    assessFleet: { devices: number };
    consoleFleet: { devices: number; pages: { name: string; p50: number }[] };
  };
  assert.equal(doc.machine.node, process.version);
  assert.ok(doc.results.length >= 12);
  for (const row of doc.results) assert.ok(row.opsPerSec > 0, row.name);
  assert.equal(doc.ratios.length, 4);
  assert.deepEqual(
    doc.fdo.map((r) => r.name),
    ['ECDH256/A128GCM/SECP256R1', 'ECDH384/A256GCM/SECP384R1'],
  );
  for (const r of doc.fdo) assert.ok(r.ratio > 0 && Object.keys(r.operations).length > 0, r.name);
  assert.ok(doc.sbomMatch !== undefined);
  assert.equal(doc.assessFleet.devices, 200);
  assert.equal(doc.consoleFleet.devices, 200);
  for (const p of doc.consoleFleet.pages) assert.ok(p.p50 > 0, p.name);
});
