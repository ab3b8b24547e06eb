import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, loadCorpus } from '../fuzz/engine.ts';
import { TARGETS_SUIT_REPORT } from '../fuzz/targets-suit-report.ts';

// A short pass of the report and decryption targets `npm run fuzz` runs at length, with a fixed seed.
for (const { corpus, target } of TARGETS_SUIT_REPORT) {
  test(`fuzz: ${target.name}`, (t) => {
    const result = fuzz(target, loadCorpus(corpus), 2_000, 20261202);
    t.diagnostic(`${result.iterations} inputs: ${result.accepted} accepted, ${result.rejected} rejected with typed errors`);
    assert.deepEqual(result.findings, []);
    assert.ok(result.accepted > 0 && result.rejected > 0);
  });
}
