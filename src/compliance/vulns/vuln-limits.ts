/** Bounds on OSV and VEX input; beyond them input is refused, not truncated. */
export const VULN_LIMITS = {
  /** Bytes of one OSV file (one record or an array of records). */
  maxOsvFileBytes: 64 * 1024 * 1024,
  /** Records read by readOsvDirectory unless the caller sets its own limit. */
  maxOsvRecords: 1_000_000,
  /** Bytes of one VEX document. */
  maxVexBytes: 32 * 1024 * 1024,
  /** Statements in one VEX document (OpenVEX statements, CycloneDX vulnerabilities). */
  maxVexStatements: 100_000,
} as const;
