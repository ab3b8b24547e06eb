/** An SBOM as IoTopia keeps it: the document's identity and its components, normalised. */
export type SbomFormat = 'cyclonedx' | 'spdx';

export interface SbomComponent {
  /** The component's reference in its document (CycloneDX bom-ref, SPDX SPDXID), or a made-up one. */
  ref: string;
  name: string;
  version?: string;
  /** Package URL (https://github.com/package-url/purl-spec), canonical form. */
  purl?: string;
  supplier?: string;
  licenses?: string[];
}

export interface ParsedSbom {
  format: SbomFormat;
  /** "1.5", "1.6" (CycloneDX) or "2.3" (SPDX). */
  specVersion: string;
  /** CycloneDX serialNumber or SPDX documentNamespace. */
  serial?: string;
  /** The described product (CycloneDX metadata.component, SPDX documentDescribes) when named. */
  subject?: { name: string; version?: string };
  components: SbomComponent[];
}
