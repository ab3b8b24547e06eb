/**
 * Removing one piece of evidence from facts that meet every rule flips exactly the rules that read
 * it, and no other: the rules are independent except where one piece of evidence truly underlies
 * several (an SBOM for vulnerability matching, a verified manifest for its sequence number).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateRules } from '../../../src/compliance/evidence/evaluate-rules.ts';
import { metFacts } from './facts-fixture.ts';
import { REMOVALS } from './removals.ts';

for (const r of REMOVALS) {
  test(`removing ${r.evidence} flips ${r.flips.join(' and ')} only`, () => {
    const facts = metFacts();
    r.remove(facts);
    const flipped = [...evaluateRules(facts).values()].filter((x) => x.outcome !== 'met').map((x) => x.rule);
    assert.deepEqual(flipped.sort(), [...r.flips].sort());
  });
}

test('every rule is flipped by some removal', () => {
  const flipped = new Set(REMOVALS.flatMap((r) => r.flips));
  const all = [...evaluateRules(metFacts()).keys()];
  assert.deepEqual(
    all.filter((id) => !flipped.has(id)),
    [],
  );
});
