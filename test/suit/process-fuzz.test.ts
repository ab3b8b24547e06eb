import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzAsync } from '../fuzz/engine-async.ts';
import { GENERATED_CORPUS, processCorpus, TARGET_SUIT_PROCESS, TARGET_SUIT_PROCESS_GENERATED } from '../fuzz/targets-suit-process.ts';

// A short pass of the processor target `npm run fuzz` runs at length, with a fixed seed.
test(`fuzz: ${TARGET_SUIT_PROCESS.name}`, async (t) => {
  const corpus = processCorpus();
  assert.ok(corpus.length > 0, 'the SUIT corpus gives manifests');
  const result = await fuzzAsync(TARGET_SUIT_PROCESS, corpus, 2_000, 20261202);
  t.diagnostic(`${result.iterations} inputs: ${result.accepted} processed, ${result.rejected} rejected with typed errors`);
  assert.deepEqual(result.findings, []);
  assert.ok(result.accepted > 0 && result.rejected > 0);
});

test(`fuzz: ${TARGET_SUIT_PROCESS_GENERATED.name}`, async (t) => {
  const result = await fuzzAsync(TARGET_SUIT_PROCESS_GENERATED, GENERATED_CORPUS, 1_500, 20261202);
  t.diagnostic(`${result.iterations} inputs: ${result.accepted} processed, ${result.rejected} rejected with typed errors`);
  assert.deepEqual(result.findings, []);
  assert.ok(result.accepted > result.iterations / 2, 'most generated manifests reach the processor');
});
