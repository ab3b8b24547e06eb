import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps `npm run bench -- mud` working: a very short run prints the MUD rows (no timing is asserted).
test('npm run bench -- mud prints files validated per second for a 200-ACE file', () => {
  const script = new URL('../../bench/run.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [script, 'mud'], { env: { ...process.env, BENCH_SECONDS: '0.02' }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { mud: { file: string; aces: number; measurement: { opsPerSec: number } }[] };
  assert.equal(doc.mud[0]?.aces, 200);
  for (const row of doc.mud) assert.ok(row.measurement.opsPerSec > 0 && row.aces > 0, row.file);
});
