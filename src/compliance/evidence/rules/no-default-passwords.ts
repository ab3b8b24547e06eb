/**
 * The product declares no passwords, and its devices authenticate with the keys FDO gave them (the
 * device key from DI, the device API credential from TO2). Passwords the product declares cannot be seen from here.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, productItem, unregistered } from '../rule-result.ts';

const RULE = 'no-default-passwords';

export function noDefaultPasswords(facts: EvidenceFacts): RuleResult {
  const p = facts.product;
  if (p === undefined) return unregistered(RULE, facts);
  const d = facts.devices;
  const keys = `${d.withDiCredential} of ${count(d.total, 'device')} authenticate with a device key certified at DI`;
  if (p.usesPasswords)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The product declares that it uses passwords, which IoTopia cannot inspect; ${keys}.`,
      evidence: [productItem(p.model, 'declares passwords')],
      remedy: 'Add manual evidence that every password is unique per device or set by the user.',
    };
  if (d.total === 0 || d.withDiCredential < d.total)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The product declares no passwords, but only ${keys}.`,
      evidence: [productItem(p.model, 'declares no passwords')],
      remedy: 'Make every device through FDO DI so that it authenticates with its own key.',
    };
  return {
    rule: RULE,
    outcome: 'met',
    detail: `The product declares no passwords; ${keys}.`,
    evidence: [productItem(p.model, 'declares no passwords')],
  };
}
