/**
 * Content encryption: the AEADs AES-GCM (RFC 9053 §4.1), AES-CCM (§4.2), ChaCha20/Poly1305 (§4.3),
 * and AES-CTR (RFC 9459 §4), which is not authenticated.
 */
import { type CipherCCMTypes, type CipherGCMTypes, createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { Algorithm, algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { mismatch, secretLength } from './keys.ts';

export interface ContentAlgorithm {
  readonly id: number;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly tagLength: number;
  /**
   * False for AES-CTR (RFC 9459 §4): no integrity protection and no additional authenticated data;
   * the Enc_structure is not used and external AAD must be empty.
   */
  readonly aead: boolean;
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
    aead: true,
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

/**
 * AES-CTR (RFC 9459 §4): the IV (5) header holds the full 16-byte initial counter block, incremented
 * as one 128-bit big-endian integer per block (NIST SP 800-38A). The ciphertext is as long as the
 * plaintext; `decrypt` never detects tampering, so a digest or signature over the plaintext must.
 */
function ctr(id: number, keyLength: number): ContentAlgorithm {
  const cipher = `aes-${keyLength * 8}-ctr`;
  const run = (key: KeyObject, iv: Uint8Array, data: Uint8Array) => {
    const c = createCipheriv(cipher, key, iv);
    const out = Buffer.concat([c.update(data), c.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
  return {
    id,
    keyLength,
    ivLength: 16,
    tagLength: 0,
    aead: false,
    checkKey(key, where) {
      if (secretLength(key, id, where) !== keyLength) throw mismatch(`${where}: ${algorithmName(id)} needs a ${keyLength}-byte key`);
    },
    encrypt: (key, iv, _aad, plaintext) => run(key, iv, plaintext),
    decrypt: (key, iv, _aad, ciphertext) => run(key, iv, ciphertext),
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
    ctr(Algorithm.A128CTR, 16),
    ctr(Algorithm.A192CTR, 24),
    ctr(Algorithm.A256CTR, 32),
  ].map((a) => [a.id, a]),
);

/** RFC 9459 §4: AES-CTR takes no additional authenticated data, so external AAD must be absent or empty. */
export function checkExternalAad(algorithm: ContentAlgorithm, externalAad: Uint8Array | undefined, where: string): void {
  if (!algorithm.aead && externalAad !== undefined && externalAad.length > 0) {
    throw new TypeError(`${where}: ${algorithmName(algorithm.id)} is not authenticated and takes no external AAD (RFC 9459 §4)`);
  }
}

export function contentAlgorithm(alg: number, where: string): ContentAlgorithm {
  const a = ALGORITHMS.get(alg);
  if (a === undefined)
    throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: content encryption algorithm ${algorithmName(alg)} is not supported`);
  return a;
}
