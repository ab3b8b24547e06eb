/** The product's software can be updated, as its maker declares. */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { productItem, unregistered } from '../rule-result.ts';

const RULE = 'software-updatable';

export function softwareUpdatable(facts: EvidenceFacts): RuleResult {
  const p = facts.product;
  if (p === undefined) return unregistered(RULE, facts);
  if (p.updatable)
    return {
      rule: RULE,
      outcome: 'met',
      detail: 'The product declares its software updatable.',
      evidence: [productItem(p.model, 'updatable')],
    };
  return {
    rule: RULE,
    outcome: 'not-met',
    detail: 'The product declares its software not updatable.',
    evidence: [productItem(p.model, 'not updatable')],
    remedy: 'Make the software updatable (for example with SUIT updates) and declare it.',
  };
}
