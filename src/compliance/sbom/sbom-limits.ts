/** Bounds on an SBOM IoTopia imports; a document beyond them is refused, not truncated. */
export const SBOM_LIMITS = {
  /** Bytes of one SBOM file. */
  maxBytes: 32 * 1024 * 1024,
  /** Components after flattening (CycloneDX nested components, SPDX packages). */
  maxComponents: 100_000,
  /** Nesting depth of CycloneDX `components` inside components; 1 is a flat list. */
  maxDepth: 32,
} as const;
