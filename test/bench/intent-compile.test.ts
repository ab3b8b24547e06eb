import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

interface Compile {
  totalMs: number;
  resolveMs: number;
  nftScriptMs: number;
  engineMs: number;
  nftScriptMiB: number;
  distinctPeers: boolean;
}

function run(distinct: boolean): Compile {
  const script = new URL('../../bench/run.ts', import.meta.url).pathname;
  const env = { ...process.env, BENCH_SECONDS: '0.02', BENCH_VERDICT_DEVICES: '300', BENCH_VERDICT_DISTINCT: distinct ? '1' : '0' };
  const r = spawnSync(process.execPath, [script, 'intent-verdict'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, { compile?: Compile; devices?: number }>;
  const v = Object.values(doc).find((x) => x?.compile !== undefined);
  assert.ok(v?.compile !== undefined, 'the document has the compile measurement');
  assert.equal(v.devices, 300);
  return v.compile;
}

// Keeps the compile benchmark working in both modes, with its three parts reported.
test('the intent compile benchmark reports resolve, nft script and engine, with and without shared peers', {
  skip: vectorPath('mud') === undefined && vectorsMissing('mud'),
}, () => {
  for (const distinct of [false, true]) {
    const c = run(distinct);
    assert.equal(c.distinctPeers, distinct);
    for (const k of ['resolveMs', 'nftScriptMs', 'engineMs'] as const) assert.ok(c[k] > 0, k);
    assert.ok(Math.abs(c.totalMs - (c.resolveMs + c.nftScriptMs + c.engineMs)) < 0.5);
    assert.ok(c.nftScriptMiB > 1, 'every device has its script');
  }
});
