/** FDO 1.1 §3.3.2 Hash / HMac: `[hashtype, bstr]`, with SHA-256/384 and HMAC-SHA-256/384. */
import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../codec/bytes.ts';
import { HashType, type HashTypeNumber } from '../constants/crypto.ts';
import { asArray, asBstr, asOneOf, messageBodyError } from './read.ts';

export interface FdoHash {
  type: HashTypeNumber;
  value: Uint8Array;
}

/** HMac has the same shape as Hash; only the type differs. */
export type FdoHmac = FdoHash;

const DIGEST: Readonly<Record<number, { name: 'sha256' | 'sha384'; bytes: number; hmac: boolean }>> = {
  [HashType.SHA256]: { name: 'sha256', bytes: 32, hmac: false },
  [HashType.SHA384]: { name: 'sha384', bytes: 48, hmac: false },
  [HashType.HMAC_SHA256]: { name: 'sha256', bytes: 32, hmac: true },
  [HashType.HMAC_SHA384]: { name: 'sha384', bytes: 48, hmac: true },
};

function digestOf(type: number): { name: 'sha256' | 'sha384'; bytes: number; hmac: boolean } {
  const d = DIGEST[type];
  if (d === undefined) throw new TypeError(`unknown FDO hash type ${type}`);
  return d;
}

/** The node:crypto digest name and output length of a hash type. */
export function hashAlgorithm(type: HashTypeNumber): { name: 'sha256' | 'sha384'; bytes: number } {
  const { name, bytes } = digestOf(type);
  return { name, bytes };
}

/** True for HMAC-SHA256/384. */
export const isHmacType = (type: HashTypeNumber): boolean => digestOf(type).hmac;

/** The CBOR data-model value `[type, value]`, for embedding in a larger structure. */
export function encodeHash(h: FdoHash): [number, Uint8Array] {
  return [h.type, h.value];
}

/**
 * Parses a Hash or HMac, checking that the value length fits the type. `allowedTypes` narrows the
 * accepted types (e.g. plain hashes only, where the spec asks for a Hash and not an HMac).
 */
export function parseHash(v: unknown, where: string, allowedTypes: readonly HashTypeNumber[] = Object.values(HashType)): FdoHash {
  const [t, value] = asArray(v, 2, where);
  const type = asOneOf(t, HashType, `${where}.hashtype`);
  if (!allowedTypes.includes(type))
    throw messageBodyError(`${where}.hashtype`, `${type} is not allowed here (allowed: ${allowedTypes.join(', ')})`);
  const bytes = digestOf(type).bytes;
  return { type, value: asBstr(value, `${where}.hash`, { min: bytes, max: bytes }) };
}

/** A Hash of type SHA256 or SHA384 over the concatenation of `parts`. */
export function hashBytes(type: HashTypeNumber, ...parts: Uint8Array[]): FdoHash {
  const d = digestOf(type);
  if (d.hmac) throw new TypeError(`hash type ${type} is an HMAC: use hmacBytes`);
  const h = createHash(d.name);
  for (const p of parts) h.update(p);
  return { type, value: new Uint8Array(h.digest()) };
}

/** An HMac of type HMAC_SHA256 or HMAC_SHA384 under `key` over the concatenation of `parts`. */
export function hmacBytes(type: HashTypeNumber, key: Uint8Array, ...parts: Uint8Array[]): FdoHmac {
  const d = digestOf(type);
  if (!d.hmac) throw new TypeError(`hash type ${type} is not an HMAC: use hashBytes`);
  const h = createHmac(d.name, key);
  for (const p of parts) h.update(p);
  return { type, value: new Uint8Array(h.digest()) };
}

/** Equal type and value; the value comparison takes the same time wherever the bytes differ. */
export function hashEquals(a: FdoHash, b: FdoHash): boolean {
  return a.type === b.type && constantTimeEqual(a.value, b.value);
}
