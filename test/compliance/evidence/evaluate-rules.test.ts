/** evaluateRules runs a rule for every id, and a product that meets everything meets every rule. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVIDENCE_RULES, evaluateRules } from '../../../src/compliance/evidence/evaluate-rules.ts';
import { EVIDENCE_RULE_IDS } from '../../../src/compliance/evidence/rule-ids.ts';
import { metFacts } from './facts-fixture.ts';

test('every evidence rule id has a rule, and no rule lacks an id', () => {
  assert.deepEqual(Object.keys(EVIDENCE_RULES).sort(), [...EVIDENCE_RULE_IDS].sort());
  const results = evaluateRules(metFacts());
  assert.deepEqual([...results.keys()], [...EVIDENCE_RULE_IDS]);
  for (const [id, r] of results) assert.equal(r.rule, id);
});

test('facts that meet every rule give met everywhere', () => {
  const failing = [...evaluateRules(metFacts()).values()].filter((r) => r.outcome !== 'met').map((r) => `${r.rule}: ${r.detail}`);
  assert.deepEqual(failing, []);
});
