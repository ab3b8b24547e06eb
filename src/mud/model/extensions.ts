/**
 * MUD extensions IoTopia parses and exposes: RFC 9472 transparency, RFC 9761 TLS/DTLS profiles,
 * the ownership-and-licensing draft (`ol`) and the quarantine draft's policy.
 */

/** RFC 9472 (ietf-mud-transparency): where to find SBOMs and vulnerability information. */
export interface Transparency {
  /** Case `cloud`: SBOM URLs per software version. */
  sboms?: { versionInfo: string; sbomUrl?: string }[];
  /** Case `local-well-known`: the device serves its SBOM at the well-known location over http, https, coap or coaps. */
  sbomLocalWellKnown?: string;
  /** Case `sbom-contact-info`: a URI to ask for the SBOM. */
  sbomContactUri?: string;
  sbomArchiveList?: string;
  /** Case `cloud` of the vulnerability choice. */
  vulnUrl?: string[];
  vulnContactUri?: string;
}

/** RFC 9761 (ietf-acl-tls): one (D)TLS profile of the client side of a flow. */
export interface TlsDtlsProfile {
  name: string;
  supportedTlsVersions: string[];
  supportedDtlsVersions: string[];
  cipherSuites: number[];
  extensionTypes: number[];
  supportedGroups: number[];
  signatureAlgorithms: number[];
  signatureAlgorithmsCert: number[];
  applicationProtocols: string[];
  pskKeyExchangeModes: number[];
  certCompressionAlgorithms: number[];
  /** Distinguished names of acceptable certificate authorities (RFC 8446 §4.2.4). */
  certificateAuthorities: string[];
  /** Trust anchor certificates as base64 CMS (ietf-crypto-types trust-anchor-cert-cms). */
  acceptListTaCerts: string[];
  /** Members of the profile IoTopia keeps but does not model. */
  other: Record<string, unknown>;
}

/** draft-ietf-opsawg-mud-ownership (`ol`): owners and licences of the MUD file. */
export interface OwnershipLicensing {
  owners: string[];
  licenses: { ownerName?: string; spdxTags: string[]; licenseUrl?: string }[];
  other: Record<string, unknown>;
}

/**
 * The quarantine policy: what a quarantined device may still do. Two shapes are read: a list of
 * ACL references (like the from/to-device policies) and NIST's list of ACE names kept enabled.
 */
export interface QuarantinePolicy {
  /** The member as it appears in the file, e.g. `nist-mud:quarantined-device-policy`. */
  member: string;
  aclNames: string[];
  enabledAceNames: string[];
}
