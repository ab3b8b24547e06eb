/**
 * Encryption at rest for secret columns: AES-256-GCM under the key-encryption key (KEK) given to
 * openStore. The additional data names the table, column and row, so a sealed value copied into
 * another row or column no longer opens. Layout: version (1) | IV (12) | tag (16) | ciphertext.
 *
 * The KEK is held as a secret KeyObject, made once: node:crypto then neither copies nor re-checks
 * raw key bytes on each of the many seal and open calls of a request.
 */
import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { ERR_STORE_DECRYPT, StoreError } from './errors.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEK_BYTES = 32;

export interface SecretBox {
  seal(plaintext: Uint8Array, context: string): Uint8Array;
  open(sealed: Uint8Array, context: string): Uint8Array;
}

/** The KEK as a secret KeyObject: 32 raw bytes, or a secret KeyObject of 32 bytes. */
function kekObject(kek: Uint8Array | KeyObject): KeyObject {
  if (kek instanceof KeyObject) {
    if (kek.type !== 'secret' || kek.symmetricKeySize !== KEK_BYTES)
      throw new TypeError('the key-encryption key must be a 32-byte secret key (AES-256)');
    return kek;
  }
  if (!(kek instanceof Uint8Array) || kek.length !== KEK_BYTES) throw new TypeError('the key-encryption key must be 32 bytes (AES-256)');
  return createSecretKey(kek);
}

export function createSecretBox(kek: Uint8Array | KeyObject): SecretBox {
  const key = kekObject(kek);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]));
    },
    open(sealed, context) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
        throw new StoreError(ERR_STORE_DECRYPT, `sealed value for ${context} has an unknown layout`);
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]));
      } catch (cause) {
        // The cause never holds key or plaintext bytes, only GCM's "unable to authenticate".
        throw new StoreError(ERR_STORE_DECRYPT, `sealed value for ${context} does not open under this key-encryption key`, { cause });
      }
    },
  };
}
