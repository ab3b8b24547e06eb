import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, loadCorpus } from './engine.ts';
import { TARGETS } from './targets.ts';

// A short pass of the same targets `npm run fuzz` runs at length, with a fixed seed.
const ITERATIONS = 3_000;
const SEED = 20261125;

for (const { corpus, target } of TARGETS) {
  test(`fuzz: ${target.name}`, (t) => {
    const result = fuzz(target, loadCorpus(corpus), ITERATIONS, SEED);
    t.diagnostic(`${result.iterations} inputs: ${result.accepted} accepted, ${result.rejected} rejected with typed errors`);
    assert.deepEqual(result.findings, []);
    // Both outcomes must occur, or the mutations are not reaching the decoder's interesting paths.
    assert.ok(result.accepted > 0 && result.rejected > 0);
  });
}
