/** A vulnerability disclosure policy is published, with a contact to report issues to. */
import type { EvidenceItem, RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { productItem, unregistered } from '../rule-result.ts';

const RULE = 'disclosure-policy-published';

export function disclosurePolicyPublished(facts: EvidenceFacts): RuleResult {
  const p = facts.product;
  if (p === undefined) return unregistered(RULE, facts);
  const evidence: EvidenceItem[] = [];
  if (p.disclosurePolicyUrl !== undefined)
    evidence.push({ kind: 'url', id: p.disclosurePolicyUrl, detail: 'vulnerability disclosure policy' });
  if (p.securityContact !== undefined) evidence.push({ kind: 'url', id: p.securityContact, detail: 'security contact' });
  evidence.push(productItem(p.model, 'disclosure policy and contact as declared'));
  const has = [p.disclosurePolicyUrl !== undefined, p.securityContact !== undefined];
  if (has[0] && has[1])
    return { rule: RULE, outcome: 'met', detail: 'A disclosure policy and a security contact are published.', evidence };
  if (has[0] || has[1])
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: has[0]
        ? 'A disclosure policy is published but no security contact.'
        : 'A security contact is published but no disclosure policy.',
      evidence,
      remedy: has[0] ? 'Publish a security contact.' : 'Publish a vulnerability disclosure policy.',
    };
  return {
    rule: RULE,
    outcome: 'not-met',
    detail: 'Neither a disclosure policy nor a security contact is published.',
    evidence,
    remedy: 'Publish a vulnerability disclosure policy and a security contact.',
  };
}
