/** Every evidence rule, by id, and their evaluation over one set of facts. */
import type { RuleResult } from '../assessment/result-types.ts';
import type { EvidenceFacts } from './evidence-facts.ts';
import { EVIDENCE_RULE_IDS, type EvidenceRuleId } from './rule-ids.ts';
import { disclosurePolicyPublished } from './rules/disclosure-policy-published.ts';
import { keysSealedAtRest } from './rules/keys-sealed-at-rest.ts';
import { mudEnforced } from './rules/mud-enforced.ts';
import { mudSignedPublished } from './rules/mud-signed-published.ts';
import { noDefaultPasswords } from './rules/no-default-passwords.ts';
import { openPortsMatchMud } from './rules/open-ports-match-mud.ts';
import { sbomPresent } from './rules/sbom-present.ts';
import { softwareUpdatable } from './rules/software-updatable.ts';
import { supportPeriodPublished } from './rules/support-period-published.ts';
import { tlsOnApis } from './rules/tls-on-apis.ts';
import { uniqueDeviceCredentials } from './rules/unique-device-credentials.ts';
import { updatesAntiRollback } from './rules/updates-anti-rollback.ts';
import { updatesDelivered } from './rules/updates-delivered.ts';
import { updatesSigned } from './rules/updates-signed.ts';
import { vulnerabilitiesRemediated } from './rules/vulnerabilities-remediated.ts';

export type EvidenceRule = (facts: EvidenceFacts) => RuleResult;

/** The rule of each id; the Record type makes a missing id a type error. */
export const EVIDENCE_RULES: Readonly<Record<EvidenceRuleId, EvidenceRule>> = {
  'unique-device-credentials': uniqueDeviceCredentials,
  'no-default-passwords': noDefaultPasswords,
  'mud-signed-published': mudSignedPublished,
  'mud-enforced': mudEnforced,
  'open-ports-match-mud': openPortsMatchMud,
  'updates-signed': updatesSigned,
  'updates-anti-rollback': updatesAntiRollback,
  'updates-delivered': updatesDelivered,
  'software-updatable': softwareUpdatable,
  'disclosure-policy-published': disclosurePolicyPublished,
  'support-period-published': supportPeriodPublished,
  'sbom-present': sbomPresent,
  'vulnerabilities-remediated': vulnerabilitiesRemediated,
  'keys-sealed-at-rest': keysSealedAtRest,
  'tls-on-apis': tlsOnApis,
};

/** The result of every rule, in EVIDENCE_RULE_IDS order. */
export function evaluateRules(facts: EvidenceFacts): Map<EvidenceRuleId, RuleResult> {
  return new Map(EVIDENCE_RULE_IDS.map((id) => [id, EVIDENCE_RULES[id](facts)]));
}
