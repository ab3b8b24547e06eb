/** What the compliance routes of the management API answer, as the console reads them. */

export interface Product {
  model: string;
  manufacturer: string;
  name: string;
  mudUrl?: string;
  disclosurePolicyUrl?: string;
  securityContact?: string;
  supportEnd?: string;
  supportPublished: boolean;
  updatable: boolean;
  remediationDays?: number;
}

export interface Release {
  model: string;
  version: string;
  origin: 'lifecycle' | 'declared';
  releaseId?: string;
  releasedAt?: string;
  /** The SBOM imported for the release, when there is one. */
  sbom?: SbomInfo;
}

export interface ProductView {
  product: Product;
  currentRelease?: Release;
  outOfSupport: boolean;
  mudSbom: { mudFile?: string; sboms: { versionInfo?: string; sbomUrl?: string; servedAs?: string }[] };
}

export interface SbomInfo {
  format: string;
  specVersion: string;
  source: string;
  digest: string;
  componentCount: number;
  importedAt: string;
}

export interface VulnerabilityMatch {
  component: { ref: string; name: string; version?: string; purl?: string };
  vulnerability: { id: string; aliases: string[]; summary?: string; severity?: string; published?: string };
  reason: string;
  vex?: { status: string; justification?: string };
  applies: boolean;
}

export interface OpenVulnerability extends VulnerabilityMatch {
  deadline: string;
  pastDeadline: boolean;
}

export interface OpenVulnerabilities {
  model: string;
  version: string;
  remediationDays: number;
  open: OpenVulnerability[];
}

export interface OutcomeCounts {
  met: number;
  notMet: number;
  partiallyMet: number;
  notApplicable: number;
  manualEvidenceNeeded: number;
}

export interface AssessmentInfo {
  id: string;
  productModel: string;
  market?: string;
  catalogs: string[];
  at: string;
  summary: OutcomeCounts;
}

export interface EvidenceItem {
  kind: string;
  id: string;
  detail: string;
  href?: string;
}

export interface RuleResult {
  rule: string;
  outcome: string;
  detail: string;
  evidence: EvidenceItem[];
  remedy?: string;
}

export interface ProvisionResult {
  catalog: string;
  provision: string;
  section: string;
  title: string;
  status: string;
  outcome: string;
  condition?: { id: string; text: string };
  rules: RuleResult[];
  manual?: { id: string; statement: string; outcome: string; by: string; at: string };
  remedy?: string;
}

export interface Gap {
  catalog: string;
  provision: string;
  outcome: string;
  remedy?: string;
  title?: string;
}

export interface Assessment {
  id: string;
  productModel: string;
  market?: string;
  catalogs: { id: string; title: string; version: string }[];
  at: string;
  results: ProvisionResult[];
  summary: OutcomeCounts;
  gaps: Gap[];
}

/** The markets a product can be assessed for (src/compliance/catalogs/markets.ts). */
export const MARKETS = [
  { id: 'eu', label: 'European Union' },
  { id: 'uk', label: 'United Kingdom' },
  { id: 'us', label: 'United States' },
  { id: 'us-ca', label: 'California' },
] as const;
