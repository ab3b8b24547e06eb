/**
 * The evidence rules: each judges, from what IoTopia knows, whether a product meets the part of a
 * provision software can check. Catalog provisions name them; `src/compliance/evidence/` implements
 * them. The list is closed: a catalog naming another id fails its integrity test.
 */
export const EVIDENCE_RULE_IDS = [
  /** Every device of the product got its own credential in FDO DI (distinct device keys and HMAC secrets); no secret is shared. */
  'unique-device-credentials',
  /** The product uses no passwords that could be universal defaults: devices authenticate with keys from FDO and the device API. */
  'no-default-passwords',
  /** The product's MUD file is published and signed, and its signature verifies. */
  'mud-signed-published',
  /** The product's devices have their MUD intent enforced, with their conformance (violation and quarantine) history. */
  'mud-enforced',
  /** Open ports of a test device, probed in a network namespace, are all allowed by its MUD file. */
  'open-ports-match-mud',
  /** The product's releases are SUIT envelopes signed by the update authority, and devices verify them. */
  'updates-signed',
  /** SUIT sequence numbers only rise: devices refuse an older manifest (anti-rollback). */
  'updates-anti-rollback',
  /** Campaign history shows updates reaching the product's devices. */
  'updates-delivered',
  /** The product declares its software updatable. */
  'software-updatable',
  /** A vulnerability disclosure policy URL and a security contact are published. */
  'disclosure-policy-published',
  /** A support period with an end date is defined and published, and devices past it are flagged. */
  'support-period-published',
  /** The current release has an SBOM. */
  'sbom-present',
  /** No known vulnerability of the current release is open past its remediation deadline. */
  'vulnerabilities-remediated',
  /** Platform keys and secrets are sealed at rest (secret box or PKCS#11 keystore). */
  'keys-sealed-at-rest',
  /** The device API and the management API are served over TLS. */
  'tls-on-apis',
] as const;

export type EvidenceRuleId = (typeof EVIDENCE_RULE_IDS)[number];
