/**
 * Strict readers for decoded FDO CBOR (FDO 1.1 §3.1 "CBOR Message Encoding", §3.2 base types).
 * Every protocol decoder checks shapes through these, so that a peer's malformed body always ends as
 * one FdoError (ERR_FDO_MESSAGE_BODY, spec code MESSAGE_BODY_ERROR) that names where it went wrong.
 */
import { CborError, type CborLimits, decode, Tag } from '../../codec/cbor.ts';
import { scanCborLength } from '../../codec/cbor-scan.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';

/**
 * Default limits for one FDO message or stored object. FDO messages are small (the largest are
 * vouchers and ServiceInfo, both bounded by the negotiated MTU or a few certificates), so the
 * limits sit far below the CBOR layer's general defaults.
 */
export const FDO_CBOR_LIMITS: Readonly<CborLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 16,
  maxContainerLength: 4096,
  maxStringBytes: 256 * 1024,
  maxItems: 100_000,
});

/** The error every reader throws: `where` names the field, `what` the problem. */
export function messageBodyError(where: string, what: string, cause?: unknown): FdoError {
  return new FdoError(
    'ERR_FDO_MESSAGE_BODY',
    ErrorCode.MESSAGE_BODY_ERROR,
    `${where}: ${what}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Decodes one CBOR item of outside bytes: strict (no duplicate map keys, no trailing bytes) and,
 * since FDO 1.1 §3.1 never needs them, no indefinite lengths.
 */
export function decodeFdoCbor(bytes: Uint8Array, where: string, limits: Partial<CborLimits> = {}): unknown {
  try {
    return decode(bytes, { ...FDO_CBOR_LIMITS, ...limits, strict: true, allowIndefinite: false });
  } catch (e) {
    if (e instanceof CborError) throw messageBodyError(where, `not valid CBOR: ${e.message} [${e.code}]`, e);
    throw e;
  }
}

/** The element count and the offset of the first element of a definite-length CBOR array. */
export function arrayHead(bytes: Uint8Array, where: string): { count: number; offset: number } {
  const first = bytes[0];
  if (first === undefined || first >> 5 !== 4) throw messageBodyError(where, 'expected an array');
  const ai = first & 0x1f;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ai < 24) return { count: ai, offset: 1 };
  if (ai === 24 && bytes.length >= 2) return { count: bytes[1] as number, offset: 2 };
  if (ai === 25 && bytes.length >= 3) return { count: view.getUint16(1), offset: 3 };
  if (ai === 26 && bytes.length >= 5) return { count: view.getUint32(1), offset: 5 };
  throw messageBodyError(where, 'array head is truncated, indefinite or too long');
}

/**
 * The original bytes of each element of a definite-length CBOR array, without decoding them: for
 * signed, MACed and hashed elements, whose bytes must never be re-encoded.
 */
export function rawArrayElements(bytes: Uint8Array, where: string, limits: Partial<CborLimits> = {}): Uint8Array[] {
  const { count, offset } = arrayHead(bytes, where);
  let at = offset;
  const rules = { ...FDO_CBOR_LIMITS, ...limits, allowIndefinite: false, allowDuplicateKeys: false, allowTrailing: true };
  if (count > rules.maxContainerLength) throw messageBodyError(where, `array of ${count} elements exceeds ${rules.maxContainerLength}`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    let n: number;
    try {
      n = scanCborLength(bytes.subarray(at), rules);
    } catch (e) {
      if (e instanceof CborError) throw messageBodyError(`${where}[${i}]`, `not valid CBOR: ${e.message} [${e.code}]`, e);
      throw e;
    }
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (at !== bytes.length) throw messageBodyError(where, `${bytes.length - at} bytes follow the array`);
  return out;
}

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Uint8Array) return `a byte string of ${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Map) return 'a map';
  if (v instanceof Tag) return `tag ${v.tag}`;
  if (typeof v === 'string') return 'a text string';
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${String(v)}`;
  return typeof v;
};

/** An array of exactly `length` elements, or of `[min, max]` elements. */
export function asArray(v: unknown, length: number | readonly [number, number] | undefined, where: string): unknown[] {
  if (!Array.isArray(v)) throw messageBodyError(where, `expected an array, got ${describe(v)}`);
  if (typeof length === 'number' && v.length !== length) throw messageBodyError(where, `expected ${length} elements, got ${v.length}`);
  if (Array.isArray(length) && (v.length < length[0] || v.length > length[1])) {
    throw messageBodyError(where, `expected ${length[0]} to ${length[1]} elements, got ${v.length}`);
  }
  return v;
}

export interface BstrBounds {
  min?: number;
  max?: number;
}

export function asBstr(v: unknown, where: string, bounds: BstrBounds = {}): Uint8Array {
  if (!(v instanceof Uint8Array)) throw messageBodyError(where, `expected a byte string, got ${describe(v)}`);
  if (bounds.min !== undefined && v.length < bounds.min)
    throw messageBodyError(where, `byte string of ${v.length} bytes is shorter than ${bounds.min}`);
  if (bounds.max !== undefined && v.length > bounds.max)
    throw messageBodyError(where, `byte string of ${v.length} bytes is longer than ${bounds.max}`);
  return v;
}

/** An unsigned integer no larger than `max` (default: the largest safe integer). */
export function asUint(v: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw messageBodyError(where, `expected an unsigned integer, got ${describe(v)}`);
  if (v > max) throw messageBodyError(where, `${v} is larger than ${max}`);
  return v;
}

/** A (possibly negative) integer within the safe range. */
export function asInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw messageBodyError(where, `expected an integer, got ${describe(v)}`);
  return v;
}

export function asText(v: unknown, where: string, maxBytes?: number): string {
  if (typeof v !== 'string') throw messageBodyError(where, `expected a text string, got ${describe(v)}`);
  if (maxBytes !== undefined && Buffer.byteLength(v, 'utf8') > maxBytes)
    throw messageBodyError(where, `text longer than ${maxBytes} bytes`);
  return v;
}

export function asBool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw messageBodyError(where, `expected a boolean, got ${describe(v)}`);
  return v;
}

export function asMap(v: unknown, where: string): Map<unknown, unknown> {
  if (!(v instanceof Map)) throw messageBodyError(where, `expected a map, got ${describe(v)}`);
  return v;
}

/** The content of tag `tag`; an untagged value or another tag is an error. */
export function asTagged(v: unknown, tag: number, where: string): unknown {
  if (!(v instanceof Tag) || v.tag !== tag) throw messageBodyError(where, `expected tag ${tag}, got ${describe(v)}`);
  return v.value;
}

/** One value of `allowed` (a spec enumeration); anything else is named in the error. */
export function asOneOf<T extends number>(v: unknown, allowed: Readonly<Record<string, T>>, where: string): T {
  const n = asInt(v, where);
  if (!Object.values(allowed).includes(n as T)) throw messageBodyError(where, `${n} is not one of ${Object.values(allowed).join(', ')}`);
  return n as T;
}

/** `bstr .cbor T`: the byte string and the item it holds, decoded under the FDO limits. */
export function asCborBstr(v: unknown, where: string, limits: Partial<CborLimits> = {}): { bytes: Uint8Array; value: unknown } {
  const bytes = asBstr(v, where);
  return { bytes, value: decodeFdoCbor(bytes, where, limits) };
}
