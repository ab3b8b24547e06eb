/**
 * FDO 1.1 cryptographic identifiers (§3.3.4 PublicKey, §3.3.2 Hash/HMac, §3.3.3 SigInfo,
 * §3.6 key exchange and §3.6.x cipher suites, with the COSE algorithm ids they reuse).
 */

/** §3.3.4 `pkType`. */
export const PublicKeyType = {
  RSA2048RESTR: 1,
  RSAPKCS: 5,
  RSAPSS: 6,
  SECP256R1: 10,
  SECP384R1: 11,
} as const;

/** §3.3.4 `pkEnc`. */
export const PublicKeyEncoding = {
  Crypto: 0,
  X509: 1,
  X5CHAIN: 2,
  COSEKEY: 3,
} as const;

/** §3.3.2 `hashtype` for Hash and HMac (COSE algorithm ids where they exist). */
export const HashType = {
  SHA256: -16,
  SHA384: -43,
  HMAC_SHA256: 5,
  HMAC_SHA384: 6,
} as const;

/** §3.3.3 `SigInfo.sgType`: device attestation signature types (COSE algorithm ids). */
export const DeviceSgType = {
  StSECP256R1: -7,
  StSECP384R1: -35,
  StRSA2048: -257,
  StRSA3072: -258,
  StEPID10: 90,
  StEPID11: 91,
  // Not in the 1.1 SigInfo list, but COSE ids that FDO implementations send for RSA-PSS device
  // keys (go-fdo does); IoTopia accepts them so such devices can onboard.
  PS256: -37,
  PS384: -38,
} as const;

/** §3.6.1 key exchange suite names, sent as text in TO2.HelloDevice. */
export const KexSuite = {
  DHKEXid14: 'DHKEXid14',
  DHKEXid15: 'DHKEXid15',
  ASYMKEX2048: 'ASYMKEX2048',
  ASYMKEX3072: 'ASYMKEX3072',
  ECDH256: 'ECDH256',
  ECDH384: 'ECDH384',
} as const;

/** §3.6.5 cipher suites, by COSE algorithm id (the CBC/CTR ones are FDO's own negative ids). */
export const CipherSuite = {
  A128GCM: 1,
  A256GCM: 3,
  AES_CCM_64_128_128: 32,
  AES_CCM_64_128_256: 33,
  COSEAES128CBC: -17760703,
  COSEAES128CTR: -17760704,
  COSEAES256CBC: -17760705,
  COSEAES256CTR: -17760706,
} as const;

export type PublicKeyTypeNumber = (typeof PublicKeyType)[keyof typeof PublicKeyType];
export type PublicKeyEncodingNumber = (typeof PublicKeyEncoding)[keyof typeof PublicKeyEncoding];
export type HashTypeNumber = (typeof HashType)[keyof typeof HashType];
export type KexSuiteName = (typeof KexSuite)[keyof typeof KexSuite];
export type CipherSuiteNumber = (typeof CipherSuite)[keyof typeof CipherSuite];
