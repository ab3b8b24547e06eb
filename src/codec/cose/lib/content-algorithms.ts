/** AEAD content encryption: AES-GCM (RFC 9053 §4.1), AES-CCM (§4.2), ChaCha20/Poly1305 (§4.3). */
import { type CipherCCMTypes, type CipherGCMTypes, createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { Algorithm, algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { mismatch, secretLength } from './keys.ts';

export interface ContentAlgorithm {
  readonly id: number;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly tagLength: number;
  checkKey(key: KeyObject, where: string): void;
  /** ciphertext || tag */
  encrypt(key: KeyObject, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext, or undefined when authentication fails. */
  decrypt(key: KeyObject, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
}

type Mode = 'gcm' | 'ccm' | 'chacha';

function aead(id: number, mode: Mode, keyLength: number, ivLength: number, tagLength: number): ContentAlgorithm {
  const cipher = (mode === 'chacha' ? 'chacha20-poly1305' : `aes-${keyLength * 8}-${mode}`) as CipherGCMTypes | CipherCCMTypes;
  // CCM has a bound on the message length set by L (RFC 3610 §2): 2^(8L) bytes.
  const maxLength = mode === 'ccm' && ivLength === 13 ? 0xffff : Number.MAX_SAFE_INTEGER;
  return {
    id,
    keyLength,
    ivLength,
    tagLength,
    checkKey(key, where) {
      if (secretLength(key, id, where) !== keyLength) throw mismatch(`${where}: ${algorithmName(id)} needs a ${keyLength}-byte key`);
    },
    encrypt(key, iv, aad, plaintext) {
      if (plaintext.length > maxLength) throw new RangeError(`${algorithmName(id)} cannot encrypt more than ${maxLength} bytes`);
      const c = createCipheriv(cipher as CipherGCMTypes, key, iv, { authTagLength: tagLength });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
    decrypt(key, iv, aad, data) {
      if (data.length < tagLength || data.length - tagLength > maxLength) return undefined;
      const body = data.subarray(0, data.length - tagLength);
      try {
        const d = createDecipheriv(cipher as CipherGCMTypes, key, iv, { authTagLength: tagLength });
        d.setAuthTag(data.subarray(data.length - tagLength));
        d.setAAD(aad, { plaintextLength: body.length });
        const out = Buffer.concat([d.update(body), d.final()]);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch {
        return undefined;
      }
    },
  };
}

const ALGORITHMS = new Map<number, ContentAlgorithm>(
  [
    aead(Algorithm.A128GCM, 'gcm', 16, 12, 16),
    aead(Algorithm.A192GCM, 'gcm', 24, 12, 16),
    aead(Algorithm.A256GCM, 'gcm', 32, 12, 16),
    // AES-CCM-L-M-K: L=16 bits leaves a 13-byte nonce, L=64 bits a 7-byte one; M is the tag in bits.
    aead(Algorithm.AES_CCM_16_64_128, 'ccm', 16, 13, 8),
    aead(Algorithm.AES_CCM_16_64_256, 'ccm', 32, 13, 8),
    aead(Algorithm.AES_CCM_64_64_128, 'ccm', 16, 7, 8),
    aead(Algorithm.AES_CCM_64_64_256, 'ccm', 32, 7, 8),
    aead(Algorithm.AES_CCM_16_128_128, 'ccm', 16, 13, 16),
    aead(Algorithm.AES_CCM_16_128_256, 'ccm', 32, 13, 16),
    aead(Algorithm.AES_CCM_64_128_128, 'ccm', 16, 7, 16),
    aead(Algorithm.AES_CCM_64_128_256, 'ccm', 32, 7, 16),
    aead(Algorithm.ChaCha20_Poly1305, 'chacha', 32, 12, 16),
  ].map((a) => [a.id, a]),
);

export function contentAlgorithm(alg: number, where: string): ContentAlgorithm {
  const a = ALGORITHMS.get(alg);
  if (a === undefined)
    throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: content encryption algorithm ${algorithmName(alg)} is not supported`);
  return a;
}
