/**
 * The model's releases are SUIT envelopes whose COSE signature verifies, now, against the update
 * authority's key or the configured anchors (draft-ietf-suit-manifest §8.3); devices verify the same
 * envelopes before installing.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { MAX_EXAMPLES } from '../evidence-facts.ts';
import { count, noRelease, releaseItem, unregistered } from '../rule-result.ts';

const RULE = 'updates-signed';

export function updatesSigned(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const releases = facts.updates.releases;
  if (releases.length === 0) return noRelease(RULE, facts);
  const bad = releases.filter((r) => !r.verifies);
  if (bad.length > 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `${bad.length} of ${count(releases.length, 'release')} have an envelope that does not verify against the update anchors.`,
      evidence: bad.slice(0, MAX_EXAMPLES).map((r) => releaseItem(r, `does not verify: ${r.reason ?? 'unknown'}`)),
      remedy: 'Retire the releases that do not verify and sign new ones with the update authority.',
    };
  return {
    rule: RULE,
    outcome: 'met',
    detail: `All ${count(releases.length, 'release')} of model ${facts.model} are SUIT envelopes whose signature verifies.`,
    evidence: releases.slice(-MAX_EXAMPLES).map((r) => releaseItem(r, 'signature verifies')),
  };
}
