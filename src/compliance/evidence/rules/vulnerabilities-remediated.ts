/**
 * No known
 * vulnerability of the current release is open past its remediation deadline. Without an SBOM no
 * vulnerability can be matched, so nothing can be said to be remediated.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, unregistered } from '../rule-result.ts';

const RULE = 'vulnerabilities-remediated';

export function vulnerabilitiesRemediated(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const r = facts.sbom.release;
  if (r === undefined || !facts.sbom.present)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail:
        r === undefined
          ? 'The product has no current release to match vulnerabilities against.'
          : `Release ${r.version} has no SBOM to match vulnerabilities against.`,
      evidence: [],
      remedy: 'Attach the SBOM of the current release.',
    };
  const v = facts.vulnerabilities;
  const open = `${count(v.open, 'open vulnerability', 'open vulnerabilities')} in release ${r.version} (${v.withoutDeadline} without a deadline)`;
  if (v.pastDeadline > 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `${v.pastDeadline} of ${open} are past their remediation deadline.`,
      evidence: v.pastDeadlineExamples.map((x) => ({
        kind: 'vulnerability',
        id: x.id,
        detail: `${x.component}: deadline ${x.deadline.toISOString()} passed`,
      })),
      remedy: 'Fix the vulnerabilities past their deadline, or state with VEX why the product is not affected.',
    };
  return { rule: RULE, outcome: 'met', detail: `None of ${open} is past its remediation deadline.`, evidence: [] };
}
