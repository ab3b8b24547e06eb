/**
 * IoTopia's CBOR (RFC 8949) codec. cbor-x does the encoding and decoding; every decode of outside
 * bytes first passes `scanCbor`, which enforces limits and strictness that cbor-x does not have.
 *
 * Data model: unsigned and negative integers are numbers (bigint beyond 2^53), byte strings are
 * Uint8Array (views into the input), text strings are strings, arrays are arrays, maps are Map,
 * tags are `Tag` (bignums, tags 2 and 3, are bigint), false/true/null/undefined and floats as in JS.
 */
import { addExtension, Decoder, Encoder, Tag } from 'cbor-x';
import { plainView } from './bytes.ts';
import { CborError } from './cbor-errors.ts';
import { type CborLimits, scanCbor } from './cbor-scan.ts';

export { Tag } from 'cbor-x';
export { CborError, type CborErrorCode } from './cbor-errors.ts';
export type { CborLimits } from './cbor-scan.ts';

export interface DecodeOptions extends Partial<CborLimits> {
  /**
   * Strict mode (the default): duplicate map keys and bytes after the item are errors. Non-strict
   * mode keeps the last of duplicate keys and ignores trailing bytes.
   */
  strict?: boolean;
  /** Accept indefinite-length strings, arrays and maps (default true). */
  allowIndefinite?: boolean;
}

export const DEFAULT_LIMITS: Readonly<CborLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 32,
  maxContainerLength: 65_536,
  maxStringBytes: 16 * 1024 * 1024,
  maxItems: 1_000_000,
});

// cbor-x gives some tags its own meanings (dates, typed arrays, sets, value sharing, records). IoTopia
// keeps every tag except the bignums as a plain Tag so that nothing in the input changes shape or
// references other parts of it.
const PLAIN_TAGS = [0, 1, 4, 5, 6, 14, 15, 27, 28, 29, 51, 105, 258, 259];
for (let t = 60; t <= 87; t++) PLAIN_TAGS.push(t);
for (const tag of PLAIN_TAGS) {
  // Without `Class` the extension is decode-only and the encoder's type checks stay untouched.
  addExtension({ tag, decode: (value: unknown) => new Tag(value, tag) } as unknown as Parameters<typeof addExtension>[0]);
}

// Two decoders: the usual one reads every 64-bit integer as a number (cbor-x would otherwise make
// bigints of small values in 8-byte heads); the other is used only when the scan found an integer
// outside the safe range, and its small bigints are turned back into numbers.
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0]);
const bigDecoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, variableMapSize: true });

/** Encodes a value to CBOR. Maps keep insertion order; integers use their shortest form. */
export function encode(value: unknown): Uint8Array {
  return plainView(encoder.encode(hasWideIntegers(value, 0) ? widenIntegers(value) : value));
}

/** Decodes exactly one CBOR item from outside bytes, enforcing limits and (by default) strictness. */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode expects a Uint8Array');
  const strict = options.strict ?? true;
  // A fresh plain view: decoded byte strings become Uint8Array views rather than Node Buffers, and
  // cbor-x caches a DataView on the object it reads, which must not be the caller's buffer.
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scanned = scanCbor(input, {
    maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxContainerLength: options.maxContainerLength ?? DEFAULT_LIMITS.maxContainerLength,
    maxStringBytes: options.maxStringBytes ?? DEFAULT_LIMITS.maxStringBytes,
    maxItems: options.maxItems ?? DEFAULT_LIMITS.maxItems,
    allowIndefinite: options.allowIndefinite ?? true,
    allowDuplicateKeys: !strict,
    allowTrailing: !strict,
  });
  try {
    return scanned.hasBigIntegers ? safeIntegersAsNumbers(bigDecoder.decode(scanned.bytes)) : decoder.decode(scanned.bytes);
  } catch (cause) {
    // The scan accepted the item, so this is a shape cbor-x cannot represent.
    throw new CborError('ERR_CBOR_UNSUPPORTED', `item cannot be decoded: ${(cause as Error).message}`, 0);
  }
}

// cbor-x writes integral numbers outside the 32-bit range as float64; CBOR has exact integers up to
// 64 bits, which cbor-x writes for bigints. Values are checked first so the common case copies nothing.
const isWide = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && (v > 0xffffffff || v < -0x100000000);

function hasWideIntegers(v: unknown, depth: number): boolean {
  if (isWide(v)) return true;
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => hasWideIntegers(x, depth + 1));
  if (v instanceof Map) {
    for (const [k, x] of v) if (hasWideIntegers(k, depth + 1) || hasWideIntegers(x, depth + 1)) return true;
    return false;
  }
  if (v instanceof Tag) return hasWideIntegers(v.value, depth + 1);
  return Object.values(v).some((x) => hasWideIntegers(x, depth + 1));
}

function widenIntegers(v: unknown): unknown {
  if (isWide(v)) return BigInt(v);
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(widenIntegers);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [widenIntegers(k), widenIntegers(x)]));
  if (v instanceof Tag) return new Tag(widenIntegers(v.value), v.tag);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, widenIntegers(x)]));
}

function safeIntegersAsNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = safeIntegersAsNumbers(v[i]);
    return v;
  }
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [safeIntegersAsNumbers(k), safeIntegersAsNumbers(x)]));
  if (v instanceof Tag) {
    v.value = safeIntegersAsNumbers(v.value);
    return v;
  }
  return v;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
