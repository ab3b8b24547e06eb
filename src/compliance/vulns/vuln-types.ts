/** Vulnerability records (OSV), VEX statements and what matching them against an SBOM gives. */
import type { SbomComponent } from '../sbom/sbom-types.ts';

export type OsvRangeType = 'SEMVER' | 'ECOSYSTEM' | 'GIT';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: { type: OsvRangeType; repo?: string; events: OsvEvent[] }[];
  versions?: string[];
}

/** An OSV record (https://ossf.github.io/osv-schema/), the members matching reads. */
export interface OsvRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[];
  affected: OsvAffected[];
  references?: { type: string; url: string }[];
}

/** The VEX statuses both CycloneDX VEX and OpenVEX carry, in OpenVEX's spelling. */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  /** The vulnerability id or alias the statement is about (CVE-…, GHSA-…, an OSV id). */
  vulnerability: string;
  /** The products or components it covers, as purls (or CycloneDX bom-refs). */
  products: string[];
  status: VexStatus;
  /** Required for not_affected: OpenVEX justification or CycloneDX analysis.justification. */
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  /** The document the statement came from and its author, for the audit trail. */
  source: { document: string; author?: string; timestamp?: string };
}

/** One vulnerability that applies to one component, with the VEX statement that decided it, if any. */
export interface VulnerabilityMatch {
  component: SbomComponent;
  vulnerability: { id: string; aliases: string[]; summary?: string; severity?: string; published?: string };
  /** Which range or version list matched, for the report. */
  reason: string;
  /** The VEX status when a statement covers this pair; absent means affected by default. */
  vex?: VexStatement;
  /** True when the pair applies: matched and not overridden by not_affected or fixed. */
  applies: boolean;
}
