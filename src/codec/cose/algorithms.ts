/** Values of the IANA "COSE Algorithms" registry used by IoTopia, with the defining section. */
export const Algorithm = {
  /** RFC 9053 §2.1 (ECDSA w/ SHA-256) */
  ES256: -7,
  /** RFC 9053 §2.1 */
  ES384: -35,
  /** RFC 9053 §2.1 */
  ES512: -36,
  /** RFC 9053 §2.2 */
  EdDSA: -8,
  /** RFC 9864 §2.1 (ECDSA using P-256 curve and SHA-256, fully specified) */
  ESP256: -9,
  /** RFC 9864 §2.1 (ECDSA using P-384 curve and SHA-384, fully specified) */
  ESP384: -51,
  /** RFC 9864 §2.2 (EdDSA using the Ed25519 curve, fully specified) */
  Ed25519: -19,
  /** RFC 8230 §2 (RSASSA-PSS w/ SHA-256) */
  PS256: -37,
  /** RFC 8230 §2 */
  PS384: -38,
  /** RFC 8230 §2 */
  PS512: -39,
  /** RFC 8812 §2 (RSASSA-PKCS1-v1_5 using SHA-256) */
  RS256: -257,
  /** RFC 8812 §2 */
  RS384: -258,
  /** RFC 8812 §2 */
  RS512: -259,
  /** RFC 9053 §3.1 ("HMAC 256/64") */
  HMAC_256_64: 4,
  /** RFC 9053 §3.1 ("HMAC 256/256") */
  HMAC_256_256: 5,
  /** RFC 9053 §3.1 ("HMAC 384/384") */
  HMAC_384_384: 6,
  /** RFC 9053 §3.1 ("HMAC 512/512") */
  HMAC_512_512: 7,
  /** RFC 9053 §3.2 ("AES-MAC 128/64") */
  AES_MAC_128_64: 14,
  /** RFC 9053 §3.2 */
  AES_MAC_256_64: 15,
  /** RFC 9053 §3.2 */
  AES_MAC_128_128: 25,
  /** RFC 9053 §3.2 */
  AES_MAC_256_128: 26,
  /** RFC 9053 §4.1 */
  A128GCM: 1,
  /** RFC 9053 §4.1 */
  A192GCM: 2,
  /** RFC 9053 §4.1 */
  A256GCM: 3,
  /** RFC 9053 §4.2 */
  AES_CCM_16_64_128: 10,
  /** RFC 9053 §4.2 */
  AES_CCM_16_64_256: 11,
  /** RFC 9053 §4.2 */
  AES_CCM_64_64_128: 12,
  /** RFC 9053 §4.2 */
  AES_CCM_64_64_256: 13,
  /** RFC 9053 §4.2 */
  AES_CCM_16_128_128: 30,
  /** RFC 9053 §4.2 */
  AES_CCM_16_128_256: 31,
  /** RFC 9053 §4.2 */
  AES_CCM_64_128_128: 32,
  /** RFC 9053 §4.2 */
  AES_CCM_64_128_256: 33,
  /** RFC 9053 §4.3 */
  ChaCha20_Poly1305: 24,
  /** RFC 9459 §4 (AES-CTR with a 128-bit key; not authenticated) */
  A128CTR: -65534,
  /** RFC 9459 §4 */
  A192CTR: -65533,
  /** RFC 9459 §4 */
  A256CTR: -65532,
  /** RFC 9053 §6.1.1 ("direct") */
  direct: -6,
  /** RFC 9053 §6.1.2 ("direct+HKDF-SHA-256") */
  direct_HKDF_SHA_256: -10,
  /** RFC 9053 §6.1.2 */
  direct_HKDF_SHA_512: -11,
  /** RFC 9053 §6.1.2 */
  direct_HKDF_AES_128: -12,
  /** RFC 9053 §6.1.2 */
  direct_HKDF_AES_256: -13,
  /** RFC 9053 §6.2.1 */
  A128KW: -3,
  /** RFC 9053 §6.2.1 */
  A192KW: -4,
  /** RFC 9053 §6.2.1 */
  A256KW: -5,
  /** RFC 9053 §6.3.1 ("ECDH-ES + HKDF-256") */
  ECDH_ES_HKDF_256: -25,
  /** RFC 9053 §6.3.1 */
  ECDH_ES_HKDF_512: -26,
  /** RFC 9053 §6.3.1 */
  ECDH_SS_HKDF_256: -27,
  /** RFC 9053 §6.3.1 */
  ECDH_SS_HKDF_512: -28,
  /** RFC 9053 §6.4.1 ("ECDH-ES + A128KW") */
  ECDH_ES_A128KW: -29,
  /** RFC 9053 §6.4.1 */
  ECDH_ES_A192KW: -30,
  /** RFC 9053 §6.4.1 */
  ECDH_ES_A256KW: -31,
  /** RFC 9053 §6.4.1 */
  ECDH_SS_A128KW: -32,
  /** RFC 9053 §6.4.1 */
  ECDH_SS_A192KW: -33,
  /** RFC 9053 §6.4.1 */
  ECDH_SS_A256KW: -34,
} as const;

export type AlgorithmId = (typeof Algorithm)[keyof typeof Algorithm];

const NAMES = new Map<number, string>(Object.entries(Algorithm).map(([name, id]) => [id, name]));

/** The registry name of an algorithm id, for messages; the number itself when unknown. */
export function algorithmName(alg: unknown): string {
  if (typeof alg === 'number') return NAMES.get(alg) ?? String(alg);
  if (typeof alg === 'string') return JSON.stringify(alg);
  return typeof alg;
}
