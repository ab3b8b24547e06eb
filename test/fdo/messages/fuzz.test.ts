/**
 * A seeded mutation pass over every message decoder, from the committed corpus of valid bodies:
 * whatever the input, only FdoError may escape. (`npm run fuzz` runs the same targets at length.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { fuzz, loadCorpus } from '../../fuzz/engine.ts';
import { TARGETS_FDO } from '../../fuzz/targets-fdo.ts';

const ITERATIONS = 3_000;
const SEED = 20261207;

test('the corpus holds a valid body of every message type', () => {
  assert.equal(TARGETS_FDO.length, Object.keys(MsgType).length);
  for (const { corpus, target } of TARGETS_FDO) {
    const seeds = loadCorpus(corpus);
    assert.ok(
      seeds.some((s) => {
        try {
          target.run(s);
          return true;
        } catch {
          return false;
        }
      }),
      target.name,
    );
  }
});

for (const { corpus, target } of TARGETS_FDO) {
  test(`fuzz: ${target.name}`, (t) => {
    const result = fuzz(target, loadCorpus(corpus), ITERATIONS, SEED);
    t.diagnostic(`${result.iterations} inputs: ${result.accepted} accepted, ${result.rejected} rejected with FdoError`);
    assert.deepEqual(result.findings, []);
    assert.ok(result.accepted > 0 && result.rejected > 0);
  });
}
