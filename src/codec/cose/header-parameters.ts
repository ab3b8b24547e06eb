/**
 * Labels of the IANA "COSE Header Parameters" registry (RFC 9052 §3.1, RFC 9360 §2) and of the
 * "COSE Header Algorithm Parameters" registry (RFC 9053 §5.1, §6.1, §6.3).
 */
export const HeaderParam = {
  /** RFC 9052 §3.1 */
  alg: 1,
  /** RFC 9052 §3.1 */
  crit: 2,
  /** RFC 9052 §3.1 ("content type") */
  contentType: 3,
  /** RFC 9052 §3.1 */
  kid: 4,
  /** RFC 9052 §3.1 */
  IV: 5,
  /** RFC 9052 §3.1 */
  partialIV: 6,
  /** RFC 9052 §3.1 ("counter signature", RFC 8152 version, deprecated by RFC 9338) */
  counterSignature: 7,
  /** RFC 9338 §6.1 ("Countersignature0 version 2") — kept for recognition only */
  counterSignature0: 9,
  /** RFC 9338 §6.1 */
  kidContext: 10,
  /** RFC 9338 §6.1 ("Countersignature version 2") */
  counterSignatureV2: 11,
  /** RFC 9338 §6.1 ("Countersignature0 version 2") */
  counterSignature0V2: 12,
  /** RFC 9360 §2 */
  x5bag: 32,
  /** RFC 9360 §2 */
  x5chain: 33,
  /** RFC 9360 §2 */
  x5t: 34,
  /** RFC 9360 §2 */
  x5u: 35,
} as const;

/** RFC 9053 §6.1, §6.3 (COSE Header Algorithm Parameters). */
export const HeaderAlgParam = {
  /** RFC 9053 §6.3.1 ("ephemeral key") */
  ephemeralKey: -1,
  /** RFC 9053 §6.3.1 ("static key") */
  staticKey: -2,
  /** RFC 9053 §6.3.1 ("static key id") */
  staticKeyId: -3,
  /** RFC 9053 §5.1 */
  salt: -20,
  /** RFC 9053 §5.2 ("PartyU identity") */
  partyUIdentity: -21,
  /** RFC 9053 §5.2 ("PartyU nonce") */
  partyUNonce: -22,
  /** RFC 9053 §5.2 ("PartyU other") */
  partyUOther: -23,
  /** RFC 9053 §5.2 ("PartyV identity") */
  partyVIdentity: -24,
  /** RFC 9053 §5.2 ("PartyV nonce") */
  partyVNonce: -25,
  /** RFC 9053 §5.2 ("PartyV other") */
  partyVOther: -26,
} as const;
