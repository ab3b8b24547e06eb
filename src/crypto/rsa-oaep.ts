/**
 * RSAES-OAEP (RFC 8017 §7.1) on node:crypto, as FDO's ASYMKEX2048 and ASYMKEX3072 key exchanges use
 * it. The OAEP hash and the MGF1 hash are the same (OpenSSL uses the OAEP digest for MGF1 unless
 * told otherwise), which is the combination RFC 8017 recommends.
 *
 * Decryption failures all look alike: RFC 8017 §7.1.2 note warns that telling apart the ways OAEP
 * decoding can fail (Manger's attack) turns the key holder into a decryption oracle, so the error
 * has one code, one message and no cause.
 */
import { constants, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { plainCopy } from '../codec/bytes.ts';
import { CryptoError } from './errors.ts';
import { isKeyHandle, type KeyHandle, type PrivateKeyLike } from './private-key-handle.ts';

export type RsaOaepHash = 'sha256' | 'sha384';

export interface RsaOaepOptions {
  /** Hash for OAEP and MGF1. Default sha256. */
  hash?: RsaOaepHash;
  /** The OAEP label L. Default empty. */
  label?: Uint8Array;
}

/** Smallest modulus accepted; FDO's RSA key exchanges use 2048 and 3072 bits. */
const MIN_MODULUS_BITS = 2048;

const HASH_BYTES: Record<RsaOaepHash, number> = { sha256: 32, sha384: 48 };

/** Encrypts `plaintext` to an RSA public key. A message too long for the key is a TypeError. */
export function rsaOaepEncrypt(publicKey: KeyObject, plaintext: Uint8Array, options: RsaOaepOptions = {}): Uint8Array {
  const { hash, label } = checkOptions(options);
  const k = modulusBytes(publicKey, 'public');
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  // RFC 8017 §7.1.1 step 1b.
  const max = k - 2 * HASH_BYTES[hash] - 2;
  if (plaintext.length > max) throw new TypeError(`plaintext is ${plaintext.length} bytes; at most ${max} fit this key with ${hash}`);
  return plainCopy(
    publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label }, plaintext),
  );
}

/**
 * Decrypts an OAEP ciphertext, in the process or, for a KeyHandle, inside its keystore (which
 * supports the empty label only). Any failure, whatever its cause, is ERR_DECRYPT_FAILED.
 */
export function rsaOaepDecrypt(privateKey: PrivateKeyLike, ciphertext: Uint8Array, options: RsaOaepOptions = {}): Uint8Array {
  const { hash, label } = checkOptions(options);
  const handle = isKeyHandle(privateKey) ? privateKey : undefined;
  const k = modulusBytes(handle?.publicKey ?? (privateKey as KeyObject), handle === undefined ? 'private' : 'public');
  if (!(ciphertext instanceof Uint8Array)) throw new TypeError('ciphertext must be a Uint8Array');
  // Length is public (§7.1.2 step 1b), so checking it first reveals nothing about the padding.
  if (ciphertext.length !== k) throw new CryptoError('ERR_DECRYPT_FAILED', 'RSA-OAEP decryption failed');
  if (handle !== undefined) return handleDecrypt(handle, hash, label, ciphertext);
  try {
    return plainCopy(
      privateDecrypt(
        { key: privateKey as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label },
        ciphertext,
      ),
    );
  } catch {
    throw new CryptoError('ERR_DECRYPT_FAILED', 'RSA-OAEP decryption failed');
  }
}

function handleDecrypt(handle: KeyHandle, hash: RsaOaepHash, label: Uint8Array | undefined, ciphertext: Uint8Array): Uint8Array {
  if (handle.decryptOaep === undefined) throw new TypeError(`key "${handle.name}" (${handle.backend}) cannot decrypt`);
  if (label !== undefined && label.length > 0) throw new TypeError('a keystore key decrypts RSA-OAEP with the empty label only');
  // The handle reports a bad ciphertext as ERR_DECRYPT_FAILED; its other errors (a token that
  // cannot run the mechanism) do not depend on the ciphertext and pass through.
  return plainCopy(handle.decryptOaep(hash, ciphertext));
}

function checkOptions(options: RsaOaepOptions): { hash: RsaOaepHash; label: Uint8Array | undefined } {
  const hash = options.hash ?? 'sha256';
  if (HASH_BYTES[hash] === undefined) throw new TypeError(`unsupported OAEP hash ${String(hash)}; use sha256 or sha384`);
  if (options.label !== undefined && !(options.label instanceof Uint8Array)) throw new TypeError('label must be a Uint8Array');
  return { hash, label: options.label };
}

function modulusBytes(key: KeyObject, type: 'public' | 'private'): number {
  if (key?.type !== type || key.asymmetricKeyType !== 'rsa') throw new TypeError(`expected an RSA ${type} KeyObject`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) {
    throw new CryptoError('ERR_KEY_UNSUPPORTED', `RSA key of ${bits} bits is below the ${MIN_MODULUS_BITS}-bit minimum`);
  }
  return Math.ceil(bits / 8);
}
