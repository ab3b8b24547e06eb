/**
 * A private key that signs somewhere else (a PKCS#11 token, a secure element) and never shows its
 * private half. COSE only needs its public key, to check that the key suits the algorithm, and a
 * signing operation; src/crypto's KeyHandle fulfils this port.
 */
import { KeyObject } from 'node:crypto';

/** What to compute: ECDSA gives IEEE P1363 r||s (RFC 9053 §2.1); RSA uses PKCS #1 v1.5 or PSS with salt = hash length. */
export interface SignRequest {
  scheme: 'ecdsa' | 'rsa-pkcs1' | 'rsa-pss' | 'eddsa';
  /** null for EdDSA, which hashes inside the algorithm. */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
}

export interface SigningHandle {
  /** The public half, a KeyObject of type 'public'. */
  readonly publicKey: KeyObject;
  /** Signs `data` (the whole message: the handle hashes it). */
  sign(request: SignRequest, data: Uint8Array): Uint8Array;
}

/** True for an object that looks like a SigningHandle (not a KeyObject, not a COSE_Key Map). */
export function isSigningHandle(key: unknown): key is SigningHandle {
  if (key === null || typeof key !== 'object' || key instanceof KeyObject || key instanceof Map) return false;
  const k = key as Partial<SigningHandle>;
  return typeof k.sign === 'function' && k.publicKey instanceof KeyObject && k.publicKey.type === 'public';
}
