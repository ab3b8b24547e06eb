/**
 * ECDSA signature encodings: IEEE P1363 r||s (what COSE and PKCS #11 CKM_ECDSA use) to the DER
 * Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER } that X.509 signatures carry (RFC 5480 §2.2.3,
 * RFC 3279 §2.2.3).
 */
import { sequence, unsignedInteger } from './der-write.ts';

export function p1363ToDer(signature: Uint8Array): Uint8Array {
  if (signature.length === 0 || signature.length % 2 !== 0) throw new TypeError('an ECDSA r||s signature has an even, non-zero length');
  const half = signature.length / 2;
  return sequence(unsignedInteger(signature.subarray(0, half)), unsignedInteger(signature.subarray(half)));
}
