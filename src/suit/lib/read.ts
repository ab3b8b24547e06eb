/** Typed readers over decoded CBOR that fail with SuitError naming the path of the element. */
import { CborError, decode, Tag } from '../../codec/cbor.ts';
import { decodePlain, NOT_PLAIN } from '../../codec/cose/plain-cbor.ts';
import { SuitError } from '../errors.ts';

/** Limits of the SUIT decoder, on top of the CBOR wrapper's own. */
export interface SuitLimits {
  /** Most bytes of an envelope (default 1 MiB; integrated payloads count). */
  maxBytes: number;
  /** Deepest nesting of command sequences through try-each and run-sequence (default 8). */
  maxSequenceDepth: number;
  /** Most commands in one sequence (default 256). */
  maxCommands: number;
  /** Most components in suit-common (default 64). */
  maxComponents: number;
  /** Most authentication blocks (default 8). */
  maxAuthBlocks: number;
}

export const DEFAULT_SUIT_LIMITS: Readonly<SuitLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxSequenceDepth: 8,
  maxCommands: 256,
  maxComponents: 64,
  maxAuthBlocks: 8,
});

/** The limits in force: the defaults, or the defaults with the caller's changes (a new object only then). */
export const suitLimits = (changes: Partial<SuitLimits> | undefined): SuitLimits =>
  changes === undefined ? DEFAULT_SUIT_LIMITS : { ...DEFAULT_SUIT_LIMITS, ...changes };

export const malformed = (path: string, message: string, cause?: unknown): SuitError =>
  new SuitError('ERR_SUIT_MALFORMED', path, message, cause === undefined ? undefined : { cause });

const SUIT_CBOR_DEPTH = 48;

/**
 * Decodes CBOR bytes (a bstr's content or a whole input); CBOR failures become ERR_SUIT_CBOR. The
 * plain subset is read in one pass; everything else goes through the codec's checked decoder.
 */
export function decodeCbor(bytes: Uint8Array, path: string, maxBytes: number): unknown {
  const plain = decodePlain(bytes, maxBytes, SUIT_CBOR_DEPTH);
  if (plain !== NOT_PLAIN) return plain;
  try {
    return decode(bytes, { maxBytes, maxDepth: SUIT_CBOR_DEPTH });
  } catch (e) {
    if (e instanceof CborError) throw new SuitError('ERR_SUIT_CBOR', path, `not valid CBOR: ${e.message} [${e.code}]`, { cause: e });
    throw e;
  }
}

const typeName = (v: unknown): string => {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'byte string';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'map';
  if (v instanceof Tag) return `tag ${v.tag}`;
  if (typeof v === 'string') return 'text string';
  return typeof v;
};

export function asMap(v: unknown, path: string): Map<unknown, unknown> {
  if (!(v instanceof Map)) throw malformed(path, `expected a map, got ${typeName(v)}`);
  return v;
}

export function asArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw malformed(path, `expected an array, got ${typeName(v)}`);
  return v;
}

export function asBytes(v: unknown, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw malformed(path, `expected a byte string, got ${typeName(v)}`);
  return v;
}

export function asText(v: unknown, path: string): string {
  if (typeof v !== 'string') throw malformed(path, `expected a text string, got ${typeName(v)}`);
  return v;
}

export function asBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw malformed(path, `expected true or false, got ${typeName(v)}`);
  return v;
}

/** An unsigned integer (bigint only beyond 2^53). */
export function asUint(v: unknown, path: string): number | bigint {
  if ((typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n)) return v;
  throw malformed(path, `expected an unsigned integer, got ${typeName(v)}${typeof v === 'number' ? ` ${v}` : ''}`);
}

/** An unsigned integer that fits a JS number (indexes, sizes, policies). */
export function asIndex(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw malformed(path, `expected an unsigned integer, got ${typeName(v)}${typeof v === 'number' ? ` ${v}` : ''}`);
}

export function asInt(v: unknown, path: string): number | bigint {
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return v;
  throw malformed(path, `expected an integer, got ${typeName(v)}`);
}

/** Integer map keys only (SUIT maps are integer-keyed except the envelope's integrated payloads). */
export function intKey(k: unknown, path: string): number {
  if (typeof k === 'number' && Number.isInteger(k)) return k;
  throw malformed(path, `expected an integer key, got ${typeName(k)}`);
}

/** The keys of a map, in order, each an integer (`intKey`). */
export function intKeys(map: Map<unknown, unknown>, path: string): number[] {
  // Sized once: the count is the map's.
  const keys = new Array<number>(map.size);
  let i = 0;
  map.forEach((_, k) => {
    keys[i++] = typeof k === 'number' && Number.isInteger(k) ? k : intKey(k, path);
  });
  return keys;
}
