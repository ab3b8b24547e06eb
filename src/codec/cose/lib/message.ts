/** Decoding of COSE message arrays from outside bytes: limits, tag rules, element types (RFC 9052 §2). */
import { type CborLimits, DEFAULT_LIMITS as CODEC_LIMITS, decode, Tag } from '../../cbor.ts';
import { CoseError } from '../errors.ts';
import { decodePlain, NOT_PLAIN } from '../plain-cbor.ts';
import { checkLayer, decodeProtected, type HeaderMap, type HeaderRules, type Layer } from './headers.ts';

/** Whether the COSE tag must, may or must not wrap the message on input. */
export type TagRule = 'required' | 'optional' | 'forbidden';

export interface DecodeRules extends HeaderRules {
  tag?: TagRule | undefined;
  limits?: Partial<CborLimits> | undefined;
}

// COSE messages nest little (message, recipients, recipient, header map, key): a shallow depth
// limit keeps hostile input cheap.
const EMPTY = new Uint8Array(0);
const DEFAULT_DEPTH = 16;
const DEFAULT_LIMITS: Readonly<Partial<CborLimits>> = Object.freeze({ maxDepth: DEFAULT_DEPTH });

export const malformed = (message: string): CoseError => new CoseError('ERR_COSE_MALFORMED', message);

/** The elements of a `name` array of `length` elements, possibly wrapped in tag `tag`. */
export function decodeMessage(bytes: Uint8Array, tag: number, name: string, lengths: readonly number[], rules: DecodeRules): unknown[] {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name}: input must be a Uint8Array`);
  const rule = rules.tag ?? 'optional';
  if (rule !== 'required' && rule !== 'optional' && rule !== 'forbidden')
    throw new TypeError(`${name}: tag must be required, optional or forbidden`);
  let item = rules.limits === undefined ? decodePlain(bytes, CODEC_LIMITS.maxBytes, DEFAULT_DEPTH) : NOT_PLAIN;
  if (item === NOT_PLAIN) {
    try {
      item = decode(bytes, { ...DEFAULT_LIMITS, ...rules.limits });
    } catch (cause) {
      throw new CoseError('ERR_COSE_MALFORMED', `${name}: not well-formed CBOR within limits (${(cause as Error).message})`, { cause });
    }
  }
  if (item instanceof Tag) {
    if (item.tag !== tag) throw new CoseError('ERR_COSE_TAG', `${name}: tag ${item.tag} where ${tag} or none was expected`);
    if (rule === 'forbidden') throw new CoseError('ERR_COSE_TAG', `${name}: tag ${tag} is not allowed here`);
    item = item.value;
  } else if (rule === 'required') {
    throw new CoseError('ERR_COSE_TAG', `${name}: tag ${tag} is required`);
  }
  if (!Array.isArray(item)) throw malformed(`${name}: not an array`);
  if (!lengths.includes(item.length)) throw malformed(`${name}: array of ${item.length} elements, expected ${lengths.join(' or ')}`);
  return item;
}

/** The header layer from elements 0 (protected bstr) and 1 (unprotected map), validated. */
export function readLayer(elements: unknown[], where: string, rules: DecodeRules): Layer {
  const p = elements[0];
  const u = elements[1];
  if (!(p instanceof Uint8Array)) throw malformed(`${where}: protected header (element 0) must be a byte string`);
  if (!(u instanceof Map)) throw malformed(`${where}: unprotected header (element 1) must be a map`);
  const protectedHeaders = decodeProtected(p, where, rules.limits === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, ...rules.limits });
  // RFC 9052 §4.4, §5.3, §6.3: with no protected attributes the structures carry a zero-length bstr,
  // even when the sender wrote an encoded empty map.
  const protectedBytes = protectedHeaders.size === 0 ? EMPTY : p;
  const layer: Layer = { protectedBytes, protectedHeaders, unprotectedHeaders: u as HeaderMap };
  checkLayer(layer, where, rules);
  return layer;
}

/** A payload or ciphertext element: a byte string, or nil when detached. */
export function readContent(value: unknown, where: string, what: string, index: number): Uint8Array | null {
  if (value === null) return null;
  if (!(value instanceof Uint8Array)) throw malformed(`${where}: ${what} (element ${index}) must be a byte string or nil`);
  return value;
}

export function readBstr(value: unknown, where: string, what: string, index: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${where}: ${what} (element ${index}) must be a byte string`);
  return value;
}

/** Resolves a detached payload: exactly one of the message and the caller must supply it. */
export function attach(inMessage: Uint8Array | null, detached: Uint8Array | undefined, where: string, what: string): Uint8Array {
  if (detached !== undefined && !(detached instanceof Uint8Array)) throw new TypeError(`${where}: detached ${what} must be a Uint8Array`);
  if (inMessage === null) {
    if (detached === undefined) throw new CoseError('ERR_COSE_DETACHED', `${where}: ${what} is detached (nil) and none was supplied`);
    return detached;
  }
  if (detached !== undefined)
    throw new CoseError('ERR_COSE_DETACHED', `${where}: ${what} is present in the message and was also supplied detached`);
  return inMessage;
}

/** Checks the message layer's algorithm against the caller's allow-list. */
export function checkAllowed(alg: number, algorithms: readonly number[] | undefined, where: string): void {
  if (algorithms !== undefined && !algorithms.includes(alg)) {
    throw new CoseError('ERR_COSE_ALG_NOT_ALLOWED', `${where}: algorithm ${alg} is not in the allowed list`);
  }
}

/** Wraps encoded elements in the message tag when asked to. */
export function withTag(value: unknown[], tag: number, tagged: boolean | undefined): unknown {
  return tagged === false ? value : new Tag(value, tag);
}
