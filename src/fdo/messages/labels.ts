/**
 * COSE header labels and EAT claim keys that FDO 1.1 gives its own meaning (§3.3, the "COSE
 * Signature" and "Entity Attestation Token" base types), named as in the spec. The values are the
 * ones FDO 1.1 implementations send on the wire (go-fdo, the Java reference implementation).
 */

/** Unprotected header labels of TO2.ProveOVHdr (§5.5, Type 61, TO2ProveOVHdrUnprotectedHeaders). */
export const CoseUnprotectedLabel = {
  /** NonceTO2ProveDv, the nonce the device signs in TO2.ProveDevice. */
  CUPHNonce: 256,
  /** The owner's PublicKey, which verifies this very message. */
  CUPHOwnerPubKey: 257,
} as const;

/** EAT claim keys in the payload map of an FDO EAT (RFC 9711 for nonce and UEID). */
export const EatClaim = {
  /** Per-message FDO claims ($EATPayloads), e.g. TO2ProveDevicePayload. */
  EAT_FDO: -257,
  /** The nonce the verifier issued (RFC 9711 §4.1). */
  EAT_NONCE: 10,
  /** EAT-RAND followed by the device GUID (RFC 9711 §4.2.1). */
  EAT_UEID: 256,
} as const;

/** Unprotected header labels of an FDO EAT. */
export const EatUnprotectedLabel = {
  /** Present only when the device's root of trust needs it. */
  EAT_MAROEPrefix: -258,
  /** NonceTO2SetupDv in TO2.ProveDevice: the nonce the owner must sign in TO2.SetupDevice. */
  EUPHNonce: -259,
} as const;

/** The UEID type byte FDO uses: a random identifier, here the 16-byte GUID (RFC 9711 §4.2.1). */
export const EAT_RAND = 0x01;
