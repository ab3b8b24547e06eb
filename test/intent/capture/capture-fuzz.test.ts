import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzAsync } from '../../fuzz/engine-async.ts';
import { TARGETS_CAPTURE } from '../../fuzz/targets-capture.ts';

// A short pass of the capture targets `npm run fuzz` runs at length, with a fixed seed.
const ITERATIONS = 3_000;
const SEED = 20261207;

for (const { target, corpus, rejects } of TARGETS_CAPTURE) {
  test(`fuzz: ${target.name}`, async (t) => {
    const result = await fuzzAsync(target, await corpus(), ITERATIONS, SEED);
    t.diagnostic(`${result.iterations} inputs: ${result.accepted} accepted, ${result.rejected} rejected with typed errors`);
    assert.deepEqual(result.findings, []);
    assert.ok(result.accepted > 0);
    if (rejects) assert.ok(result.rejected > 0);
  });
}
