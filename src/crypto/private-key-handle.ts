/**
 * Private keys that may live outside the process. A KeyHandle is a key held by a keystore backend
 * (a PKCS#11 token, a secure element): the process sees its public half and asks the backend to
 * sign or decrypt, but never holds the private half. `PrivateKeyLike` is what the core's signers
 * and decrypters accept: a private KeyObject (software keys, unchanged) or a KeyHandle.
 *
 * FDO 1.1's ECDH256/ECDH384 key exchanges (§3.6.2) use ephemeral keys on both sides, so no
 * long-term key ever takes part in ECDH and a handle offers no ECDH operation.
 */
import { constants, createPublicKey, KeyObject, sign } from 'node:crypto';
import { derToP1363Signature } from '../codec/cose/ecdsa-signature.ts';
import { isSigningHandle, type SigningHandle, type SignRequest } from '../codec/cose/signing-handle.ts';
import { describeKey, type KeyDescription } from './key-describe.ts';
import type { RsaOaepHash } from './rsa-oaep.ts';

export type { SignRequest } from '../codec/cose/signing-handle.ts';

export interface KeyHandle extends SigningHandle {
  /** The keystore backend that holds the key, e.g. 'pkcs11'. */
  readonly backend: string;
  /** The key's name in its keystore. */
  readonly name: string;
  /**
   * Decrypts RSAES-OAEP (RFC 8017 §7.1.2) with MGF1 over the same hash and an empty label; RSA keys
   * only. A ciphertext that does not decrypt throws CryptoError ERR_DECRYPT_FAILED; a keystore that
   * cannot run the operation throws its own error.
   */
  decryptOaep?(hash: RsaOaepHash, ciphertext: Uint8Array): Uint8Array;
}

export type PrivateKeyLike = KeyObject | KeyHandle;

/** True for a KeyHandle (a key held by a keystore backend). */
export function isKeyHandle(key: unknown): key is KeyHandle {
  return isSigningHandle(key) && typeof (key as Partial<KeyHandle>).backend === 'string';
}

/** True for a private KeyObject or a KeyHandle. */
export function isPrivateKeyLike(key: unknown): key is PrivateKeyLike {
  return (key instanceof KeyObject && key.type === 'private') || isKeyHandle(key);
}

// createPublicKey on a private KeyObject parses and allocates: a signer asks many times.
const publics = new WeakMap<KeyObject, KeyObject>();

/** The public KeyObject of a private key, a handle or a public key (returned as is). */
export function publicKeyOf(key: PrivateKeyLike | KeyObject): KeyObject {
  if (isKeyHandle(key)) return key.publicKey;
  if (!(key instanceof KeyObject) || key.type === 'secret') throw new TypeError('expected a private KeyObject or a KeyHandle');
  if (key.type === 'public') return key;
  let pub = publics.get(key);
  if (pub === undefined) {
    pub = createPublicKey(key);
    publics.set(key, pub);
  }
  return pub;
}

/** The key's type and curve or size, read from its public half. */
export function keyDetailsOf(key: PrivateKeyLike | KeyObject): KeyDescription {
  return describeKey(publicKeyOf(key));
}

// Exporting SubjectPublicKeyInfo encodes the key each time: done once per public KeyObject (a
// KeyObject is immutable, so its encoding never changes).
const spkis = new WeakMap<KeyObject, Uint8Array>();

/** The SubjectPublicKeyInfo DER of a key's public half; a fresh copy the caller may keep. */
export function spkiOf(key: PrivateKeyLike | KeyObject): Uint8Array {
  const pub = publicKeyOf(key);
  let der = spkis.get(pub);
  if (der === undefined) {
    der = new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
    spkis.set(pub, der);
  }
  return der.slice();
}

/**
 * Signs with either form of private key. ECDSA signatures are IEEE P1363 r||s, as COSE and
 * PKCS #11 CKM_ECDSA give them; RSA-PSS uses a salt as long as the hash.
 */
export function signWith(key: PrivateKeyLike, request: SignRequest, data: Uint8Array): Uint8Array {
  if (isKeyHandle(key)) return key.sign(request, data);
  if (!(key instanceof KeyObject) || key.type !== 'private') throw new TypeError('expected a private KeyObject or a KeyHandle');
  // ECDSA is signed with the bare KeyObject and its DER output converted to r||s: an options object
  // makes node prepare the key anew on every call, through an exception it throws and catches.
  if (request.scheme === 'ecdsa' && key.asymmetricKeyType === 'ec') {
    const rs = derToP1363Signature(sign(request.hash, data, key), ecSizeOf(key));
    return new Uint8Array(rs.buffer, rs.byteOffset, rs.byteLength);
  }
  return new Uint8Array(sign(request.hash, data, softwareOptions(key, request)));
}

// The field size in bytes of an EC key's curve, read once per KeyObject (asymmetricKeyDetails
// builds a new object on each access).
const ecSizes = new WeakMap<KeyObject, number>();

function ecSizeOf(key: KeyObject): number {
  let size = ecSizes.get(key);
  if (size === undefined) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    size = EC_FIELD_BYTES[curve ?? ''];
    if (size === undefined) throw new TypeError(`no ECDSA field size for curve ${String(curve)}`);
    ecSizes.set(key, size);
  }
  return size;
}

/** Field sizes of the curves node names (SEC 2 §2.4.2, §2.5.1, §2.6.1). */
const EC_FIELD_BYTES: Record<string, number> = { prime256v1: 32, secp384r1: 48, secp521r1: 66 };

function softwareOptions(key: KeyObject, request: SignRequest) {
  switch (request.scheme) {
    case 'ecdsa':
      return { key, dsaEncoding: 'ieee-p1363' as const };
    case 'rsa-pss':
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(request.hash) };
    case 'rsa-pkcs1':
      return { key, padding: constants.RSA_PKCS1_PADDING };
    default:
      return key;
  }
}

/** The output length in bytes of a SHA-2 hash named as node:crypto names it. */
export function hashLength(hash: SignRequest['hash']): number {
  if (hash === 'sha256') return 32;
  if (hash === 'sha384') return 48;
  if (hash === 'sha512') return 64;
  throw new TypeError(`no hash length for ${String(hash)}`);
}
