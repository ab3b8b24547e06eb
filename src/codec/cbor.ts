/**
 * IoTopia's CBOR (RFC 8949) codec. cbor-x does the encoding and decoding; every decode of outside
 * bytes first passes `scanCbor`, which enforces limits and strictness that cbor-x does not have.
 *
 * Data model: unsigned and negative integers are numbers (bigint beyond 2^53), byte strings are
 * Uint8Array (views into the input), text strings are strings, arrays are arrays, maps are Map,
 * tags are `Tag` (bignums, tags 2 and 3, are bigint), false/true/null/undefined and floats as in JS.
 */
import { addExtension, Decoder, Encoder, Tag } from 'cbor-x';
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

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, variableMapSize: true });

/** Encodes a value to CBOR. Maps keep insertion order; integers use their shortest form. */
export function encode(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes exactly one CBOR item from outside bytes, enforcing limits and (by default) strictness. */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode expects a Uint8Array');
  const strict = options.strict ?? true;
  const input = plain(bytes);
  const item = scanCbor(input, {
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
    return decoder.decode(item);
  } catch (cause) {
    // The scan accepted the item, so this is a shape cbor-x cannot represent.
    throw new CborError('ERR_CBOR_UNSUPPORTED', `item cannot be decoded: ${(cause as Error).message}`, 0);
  }
}

/** A plain Uint8Array view of the same memory, so decoded byte strings are not Node Buffers. */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
