/**
 * Labels and values of the IANA COSE key registries: "COSE Key Common Parameters" (RFC 9052 §7.1),
 * "COSE Key Types" and "COSE Key Type Parameters" (RFC 9053 §7, RFC 8230 §4), "COSE Elliptic
 * Curves" (RFC 9053 §7.1).
 */
export const KeyParam = {
  /** RFC 9052 §7.1 */
  kty: 1,
  /** RFC 9052 §7.1 */
  kid: 2,
  /** RFC 9052 §7.1 */
  alg: 3,
  /** RFC 9052 §7.1 ("key_ops") */
  keyOps: 4,
  /** RFC 9052 §7.1 ("Base IV") */
  baseIV: 5,
} as const;

export const KeyType = {
  /** RFC 9053 §7.2 (Octet Key Pair) */
  OKP: 1,
  /** RFC 9053 §7.1 (Elliptic Curve Keys with x and y) */
  EC2: 2,
  /** RFC 8230 §4 */
  RSA: 3,
  /** RFC 9053 §7.3 */
  Symmetric: 4,
} as const;

/** RFC 9053 §7.1.1 */
export const EC2Param = { crv: -1, x: -2, y: -3, d: -4 } as const;
/** RFC 9053 §7.2 */
export const OKPParam = { crv: -1, x: -2, d: -4 } as const;
/** RFC 9053 §7.3 */
export const SymmetricParam = { k: -1 } as const;
/** RFC 8230 §4 */
export const RSAParam = { n: -1, e: -2, d: -3, p: -4, q: -5, dP: -6, dQ: -7, qInv: -8, other: -9, r_i: -10, d_i: -11, t_i: -12 } as const;

/** RFC 9053 §7.1 ("COSE Elliptic Curves") */
export const Curve = {
  'P-256': 1,
  'P-384': 2,
  'P-521': 3,
  X25519: 4,
  X448: 5,
  Ed25519: 6,
  Ed448: 7,
} as const;

/** RFC 9052 §7.1, Table 5 ("key_ops" values) */
export const KeyOp = {
  sign: 1,
  verify: 2,
  encrypt: 3,
  decrypt: 4,
  wrapKey: 5,
  unwrapKey: 6,
  deriveKey: 7,
  deriveBits: 8,
  macCreate: 9,
  macVerify: 10,
} as const;
