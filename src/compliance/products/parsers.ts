/**
 * The parsers and the matcher the product services use, injected so that the services depend on
 * their contract only: each throws a typed error naming the file, entry and field of bad input.
 */
import type { ParsedSbom, SbomComponent } from '../sbom/sbom-types.ts';
import type { OsvRecord, VexStatement, VulnerabilityMatch } from '../vulns/vuln-types.ts';

export interface ComplianceParsers {
  parseSbom(bytes: Uint8Array, source: string): Promise<ParsedSbom>;
  parseOsvRecord(bytes: Uint8Array, source: string): OsvRecord;
  parseVex(bytes: Uint8Array, source: string): VexStatement[];
  matchVulnerabilities(components: SbomComponent[], records: OsvRecord[], vex?: VexStatement[]): VulnerabilityMatch[];
}
