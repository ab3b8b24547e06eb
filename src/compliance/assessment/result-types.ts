/** What an assessment of one product gives: a result per provision, each linked to its evidence. */
import type { ProvisionStatus } from '../catalogs/catalog-types.ts';
import type { EvidenceRuleId } from '../evidence/rule-ids.ts';

export type ProvisionOutcome = 'met' | 'not-met' | 'partially-met' | 'not-applicable' | 'manual-evidence-needed';

/** One item an outcome rests on: a record of IoTopia's (a device, a release, a MUD file…) or manual evidence. */
export interface EvidenceItem {
  /** What it is, e.g. "device", "mud-file", "release", "campaign", "sbom", "vulnerability", "setting", "probe", "manual". */
  kind: string;
  /** Its id in its kind (a GUID, a release id, a URL…). */
  id: string;
  /** A short statement of what it shows, e.g. "3 of 3 devices have distinct device keys". */
  detail: string;
  /** A management API path or URL where it can be seen, when there is one. */
  href?: string;
}

/** What one evidence rule found for the product. */
export interface RuleResult {
  rule: EvidenceRuleId;
  outcome: 'met' | 'not-met' | 'partially-met';
  /** Why, in one or two sentences. */
  detail: string;
  evidence: EvidenceItem[];
  /** What to do when not met, in one sentence. */
  remedy?: string;
}

export interface ManualEvidence {
  id: string;
  productModel: string;
  catalog: string;
  provision: string;
  /** What the maker states; the outcome it claims. */
  statement: string;
  outcome: 'met' | 'not-met' | 'partially-met' | 'not-applicable';
  attachments: { name: string; mediaType: string; size: number; sha256: string }[];
  by: string;
  at: Date;
}

export interface ProvisionResult {
  catalog: string;
  provision: string;
  section: string;
  title: string;
  status: ProvisionStatus;
  outcome: ProvisionOutcome;
  /** For not-applicable: the condition (id and text) that does not hold. */
  condition?: { id: string; text: string };
  rules: RuleResult[];
  manual?: ManualEvidence;
  /** What to do, for outcomes other than met and not-applicable. */
  remedy?: string;
}

export interface AssessmentSummary {
  met: number;
  notMet: number;
  partiallyMet: number;
  notApplicable: number;
  manualEvidenceNeeded: number;
}

export interface Assessment {
  id: string;
  productModel: string;
  /** The market assessed, or absent when a single catalog was. */
  market?: string;
  catalogs: { id: string; title: string; version: string }[];
  at: Date;
  results: ProvisionResult[];
  summary: AssessmentSummary;
  /** Gaps ranked most important first (mandatory before recommended, not met before partial). */
  gaps: { catalog: string; provision: string; outcome: ProvisionOutcome; remedy: string }[];
}

/** What changed between two assessments of one product, provision by provision. */
export interface AssessmentDiff {
  from: string;
  to: string;
  changes: { catalog: string; provision: string; before?: ProvisionOutcome; after?: ProvisionOutcome; why: string }[];
}
