/** MAC algorithms: HMAC with truncation (RFC 9053 §3.1) and AES-CBC-MAC (RFC 9053 §3.2). */
import { createCipheriv, createHmac, type KeyObject } from 'node:crypto';
import { Algorithm, algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { mismatch, secretLength } from './keys.ts';

export interface MacAlgorithm {
  readonly id: number;
  readonly tagLength: number;
  /** Key lengths in bytes this algorithm accepts (for HMAC: the minimum). */
  checkKey(key: KeyObject, where: string): void;
  tag(key: KeyObject, data: Uint8Array): Uint8Array;
}

function hmac(id: number, hash: string, hashLength: number, tagLength: number): MacAlgorithm {
  return {
    id,
    tagLength,
    checkKey(key, where) {
      // IoTopia's policy, as JWA (RFC 7518 §3.2): an HMAC key is at least as long as the hash output.
      if (secretLength(key, id, where) < hashLength)
        throw mismatch(`${where}: ${algorithmName(id)} needs a key of at least ${hashLength} bytes`);
    },
    tag(key, data) {
      const full = createHmac(hash, key).update(data).digest();
      return new Uint8Array(full.buffer, full.byteOffset, tagLength);
    },
  };
}

const ZERO_IV = new Uint8Array(16);

function cbcMac(id: number, keyLength: number, tagLength: number): MacAlgorithm {
  const cipher = `aes-${keyLength * 8}-cbc`;
  return {
    id,
    tagLength,
    checkKey(key, where) {
      if (secretLength(key, id, where) !== keyLength) throw mismatch(`${where}: ${algorithmName(id)} needs a ${keyLength}-byte key`);
    },
    tag(key, data) {
      // RFC 9053 §3.2: CBC with a zero IV over the data padded with zeros to whole blocks; the tag
      // is the front of the last cipher block.
      const padded = data.length % 16 === 0 && data.length > 0 ? data : padTo16(data);
      const c = createCipheriv(cipher, key, ZERO_IV).setAutoPadding(false);
      const out = Buffer.concat([c.update(padded), c.final()]);
      return new Uint8Array(out.buffer, out.byteOffset + out.length - 16, tagLength);
    },
  };
}

function padTo16(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(16, Math.ceil(data.length / 16) * 16));
  out.set(data);
  return out;
}

const ALGORITHMS = new Map<number, MacAlgorithm>(
  [
    hmac(Algorithm.HMAC_256_64, 'sha256', 32, 8),
    hmac(Algorithm.HMAC_256_256, 'sha256', 32, 32),
    hmac(Algorithm.HMAC_384_384, 'sha384', 48, 48),
    hmac(Algorithm.HMAC_512_512, 'sha512', 64, 64),
    cbcMac(Algorithm.AES_MAC_128_64, 16, 8),
    cbcMac(Algorithm.AES_MAC_256_64, 32, 8),
    cbcMac(Algorithm.AES_MAC_128_128, 16, 16),
    cbcMac(Algorithm.AES_MAC_256_128, 32, 16),
  ].map((a) => [a.id, a]),
);

export function macAlgorithm(alg: number, where: string): MacAlgorithm {
  const a = ALGORITHMS.get(alg);
  if (a === undefined) throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: MAC algorithm ${algorithmName(alg)} is not supported`);
  return a;
}

/** Key length for a MAC algorithm when its key is derived (RFC 9053 §5: the key size of the alg). */
export function macKeyLength(alg: MacAlgorithm): number {
  switch (alg.id) {
    case Algorithm.AES_MAC_128_64:
    case Algorithm.AES_MAC_128_128:
      return 16;
    case Algorithm.HMAC_384_384:
      return 48;
    case Algorithm.HMAC_512_512:
      return 64;
    default:
      return 32;
  }
}
