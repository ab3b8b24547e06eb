/** The release the product ships now has an SBOM (CycloneDX or SPDX) attached. */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { hrefs, unregistered } from '../rule-result.ts';

const RULE = 'sbom-present';

export function sbomPresent(facts: EvidenceFacts): RuleResult {
  const p = facts.product;
  if (p === undefined) return unregistered(RULE, facts);
  const r = facts.sbom.release;
  if (r === undefined)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: 'The product has no current release.',
      evidence: [],
      remedy: 'Declare or publish the current release.',
    };
  const item = {
    kind: 'sbom',
    id: `${r.model}@${r.version}`,
    detail: facts.sbom.present ? 'SBOM attached' : 'no SBOM',
    href: hrefs.product(p.model),
  };
  if (facts.sbom.present) return { rule: RULE, outcome: 'met', detail: `Release ${r.version} has an SBOM.`, evidence: [item] };
  return {
    rule: RULE,
    outcome: 'not-met',
    detail: `Release ${r.version} has no SBOM.`,
    evidence: [item],
    remedy: 'Attach the SBOM of the current release.',
  };
}
