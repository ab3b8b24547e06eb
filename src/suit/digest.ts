/** SUIT_Digest (draft-ietf-suit-manifest-37 §8.3.1; COSE hash algorithms, RFC 9054 §2). */
import { createHash, type Hash, hash } from 'node:crypto';
import { bytesEqual } from '../codec/bytes.ts';
import { encode } from '../codec/cbor.ts';
import { DigestAlgorithm } from './constants.ts';
import { SuitError } from './errors.ts';
import { asArray, asBytes, asInt, malformed } from './lib/read.ts';

export interface SuitDigest {
  /** COSE hash algorithm id (DigestAlgorithm). */
  algorithm: number;
  bytes: Uint8Array;
}

// Hash name and output size in bytes; SHAKE128/SHAKE256 outputs are 256 and 512 bits (RFC 9054 §2).
const HASHES = new Map<number, { name: string; size: number; shake?: boolean }>([
  [DigestAlgorithm.SHA256, { name: 'sha256', size: 32 }],
  [DigestAlgorithm.SHA384, { name: 'sha384', size: 48 }],
  [DigestAlgorithm.SHA512, { name: 'sha512', size: 64 }],
  [DigestAlgorithm.SHAKE128, { name: 'shake128', size: 32, shake: true }],
  [DigestAlgorithm.SHAKE256, { name: 'shake256', size: 64, shake: true }],
]);

const DIGEST_NAMES = new Map<number, string>(Object.entries(DigestAlgorithm).map(([n, v]) => [v, n]));

/** The name of a digest algorithm id ("SHA256"), or the number. */
export const digestAlgorithmName = (alg: number): string => DIGEST_NAMES.get(alg) ?? String(alg);

/** Whether the algorithm id is one IoTopia computes. */
export const isSupportedDigest = (alg: number): boolean => HASHES.has(alg);

/** Hashes `data` with the algorithm; ERR_SUIT_UNSUPPORTED for other ids. */
export function digestOf(algorithm: number, data: Uint8Array, path = 'digest'): SuitDigest {
  return { algorithm, bytes: new Uint8Array(hasher(algorithm, path).update(data).digest()) };
}

function hasher(algorithm: number, path: string): Hash {
  const h = HASHES.get(algorithm);
  if (h === undefined) throw new SuitError('ERR_SUIT_UNSUPPORTED', path, `digest algorithm ${algorithm} is not supported`);
  return h.shake === true ? createHash(h.name, { outputLength: h.size }) : createHash(h.name);
}

/** Decodes a SUIT_Digest = [algorithm-id, digest-bytes]. Unknown algorithm ids are kept. */
export function readDigest(v: unknown, path: string): SuitDigest {
  const a = asArray(v, path);
  // §8.3.1 allows further elements (suit-digest-parameters); none are defined, so none are accepted.
  if (a.length !== 2) throw malformed(path, `SUIT_Digest has 2 elements, got ${a.length}`);
  const a0 = a[0];
  const alg = typeof a0 === 'number' && Number.isInteger(a0) ? a0 : asInt(a0, `${path}[0]`);
  if (typeof alg !== 'number') throw malformed(`${path}[0]`, 'digest algorithm id out of range');
  const a1 = a[1];
  const bytes = a1 instanceof Uint8Array ? a1 : asBytes(a1, `${path}[1]`);
  const h = HASHES.get(alg);
  if (h !== undefined && bytes.length !== h.size)
    throw malformed(`${path}[1]`, `a ${digestAlgorithmName(alg)} digest has ${h.size} bytes, got ${bytes.length}`);
  return { algorithm: alg, bytes };
}

export const digestValue = (d: SuitDigest): unknown[] => [d.algorithm, d.bytes];

export const encodeDigest = (d: SuitDigest): Uint8Array => encode(digestValue(d));

/** Checks that `data` hashes to `expected`; ERR_SUIT_DIGEST_MISMATCH naming `what` otherwise. */
export function checkDigest(expected: SuitDigest, data: Uint8Array, what: string, path: string): void {
  compare(expected, digestOf(expected.algorithm, data, path), what, path);
}

/**
 * Checks the digest of a bstr-wrapped member (§8.3, §8.4.11: the digest covers the byte string
 * head and the content) from the content alone. When the content is a view whose bytes are preceded
 * by that head (as a member decoded from its envelope is), the hash reads the bytes in place;
 * otherwise it reads one copy behind the head. SHAKE takes the head and content in turn.
 */
export function checkWrappedDigest(expected: SuitDigest, content: Uint8Array, what: string, path: string): void {
  const h = HASHES.get(expected.algorithm);
  if (h === undefined || h.shake === true) {
    const bytes = new Uint8Array(hasher(expected.algorithm, path).update(bstrHead(content.length)).update(content).digest());
    compare(expected, { algorithm: expected.algorithm, bytes }, what, path);
    return;
  }
  // A one-shot hash returned as a Latin-1 ('binary') string, one character per byte, allocates no buffer.
  const computed = hash(h.name, wrappedInPlace(content) ?? withHead(bstrHead(content.length), content), 'binary');
  if (!sameBytes(computed, expected.bytes)) {
    compare(expected, { algorithm: expected.algorithm, bytes: new Uint8Array(Buffer.from(computed, 'latin1')) }, what, path);
  }
}

/** The view of the head and `content` when the bytes before `content` in its buffer are its shortest bstr head. */
function wrappedInPlace(content: Uint8Array): Uint8Array | undefined {
  const n = content.length;
  const headLength = n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
  const start = content.byteOffset - headLength;
  if (start < 0 || headLength === 9) return undefined;
  const view = new Uint8Array(content.buffer, start, headLength + n);
  const ok =
    headLength === 1
      ? view[0] === (0x40 | n)
      : headLength === 2
        ? view[0] === 0x58 && view[1] === n
        : headLength === 3
          ? view[0] === 0x59 && view[1] === n >>> 8 && view[2] === (n & 0xff)
          : view[0] === 0x5a &&
            view[1] === n >>> 24 &&
            view[2] === ((n >>> 16) & 0xff) &&
            view[3] === ((n >>> 8) & 0xff) &&
            view[4] === (n & 0xff);
  return ok ? view : undefined;
}

function withHead(head: Uint8Array, content: Uint8Array): Uint8Array {
  const data = new Uint8Array(head.length + content.length);
  data.set(head);
  data.set(content, head.length);
  return data;
}

function sameBytes(latin1: string, bytes: Uint8Array): boolean {
  if (latin1.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (latin1.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** The head of a CBOR byte string of `n` bytes (RFC 8949 §3: major type 2, shortest argument). */
function bstrHead(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(0x40 | n);
  if (n < 0x100) return Uint8Array.of(0x58, n);
  if (n < 0x10000) return Uint8Array.of(0x59, n >>> 8, n & 0xff);
  if (n < 0x100000000) return Uint8Array.of(0x5a, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const h = new Uint8Array(9);
  h[0] = 0x5b;
  new DataView(h.buffer).setBigUint64(1, BigInt(n));
  return h;
}

function compare(expected: SuitDigest, actual: SuitDigest, what: string, path: string): void {
  if (!bytesEqual(actual.bytes, expected.bytes)) {
    throw new SuitError(
      'ERR_SUIT_DIGEST_MISMATCH',
      path,
      `${what} does not match its ${digestAlgorithmName(expected.algorithm)} digest (expected ${hex(expected.bytes)}, computed ${hex(actual.bytes)})`,
    );
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
