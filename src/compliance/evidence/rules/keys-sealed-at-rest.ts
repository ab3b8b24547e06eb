/** The platform's own keys and secrets are sealed at rest. */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { settingItem } from '../rule-result.ts';

const RULE = 'keys-sealed-at-rest';

export function keysSealedAtRest(facts: EvidenceFacts): RuleResult {
  const k = facts.platform.keysSealed;
  const evidence = [settingItem('keystore', `backend ${k.backend}, ${k.sealed ? 'sealed' : 'not sealed'}`)];
  if (k.sealed) return { rule: RULE, outcome: 'met', detail: `Keys and secrets are sealed at rest (${k.backend}).`, evidence };
  return {
    rule: RULE,
    outcome: 'not-met',
    detail: `Keys and secrets are not sealed at rest (${k.backend}).`,
    evidence,
    remedy: 'Seal keys with a master key (secret box) or keep them in a PKCS#11 token.',
  };
}
