/** The nonce of a content encryption layer (RFC 9052 §3.1: IV, or Partial IV with a Base IV). */
import { randomBytes } from 'node:crypto';
import { CoseError } from '../errors.ts';
import { HeaderParam } from '../header-parameters.ts';
import { KeyParam } from '../key-parameters.ts';
import type { ContentAlgorithm } from './content-algorithms.ts';
import { type HeaderMap, type Layer, param } from './headers.ts';
import type { KeyLike } from './keys.ts';

/** Source of random bytes; injected by callers that need determinism, node:crypto otherwise. */
export type RandomSource = (length: number) => Uint8Array;

export const defaultRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

const headerError = (where: string, message: string) => new CoseError('ERR_COSE_HEADER', `${where}: ${message}`);

/** The Base IV from the caller or from the COSE_Key's Base IV (5) parameter. */
export function baseIVOf(baseIV: Uint8Array | undefined, key: KeyLike | undefined): Uint8Array | undefined {
  if (baseIV !== undefined) {
    if (!(baseIV instanceof Uint8Array)) throw new TypeError('baseIV must be a Uint8Array');
    return baseIV;
  }
  if (key instanceof Map) {
    const v = key.get(KeyParam.baseIV);
    return v instanceof Uint8Array ? v : undefined;
  }
  return undefined;
}

/** The nonce for a received layer. */
export function nonceOf(layer: Layer, algorithm: ContentAlgorithm, baseIV: Uint8Array | undefined, where: string): Uint8Array {
  const iv = param(layer, HeaderParam.IV) as Uint8Array | undefined;
  if (iv !== undefined) {
    if (iv.length !== algorithm.ivLength)
      throw headerError(where, `IV (5) is ${iv.length} bytes, the algorithm needs ${algorithm.ivLength}`);
    return iv;
  }
  const partial = param(layer, HeaderParam.partialIV) as Uint8Array | undefined;
  if (partial === undefined) throw headerError(where, 'IV (5) or Partial IV (6) is required');
  if (baseIV === undefined) throw headerError(where, 'Partial IV (6) needs a Base IV, and none was given');
  return combine(partial, baseIV, algorithm.ivLength, where);
}

/**
 * The headers to write with the nonce: the caller's IV or Partial IV when given, otherwise a fresh
 * random IV added to the unprotected bucket.
 */
export function nonceForOutput(
  layer: Layer,
  algorithm: ContentAlgorithm,
  baseIV: Uint8Array | undefined,
  random: RandomSource,
  where: string,
): { nonce: Uint8Array; unprotectedHeaders: HeaderMap } {
  const given = param(layer, HeaderParam.IV) ?? param(layer, HeaderParam.partialIV);
  if (given !== undefined) return { nonce: nonceOf(layer, algorithm, baseIV, where), unprotectedHeaders: layer.unprotectedHeaders };
  const iv = random(algorithm.ivLength);
  const unprotectedHeaders: HeaderMap = new Map(layer.unprotectedHeaders);
  unprotectedHeaders.set(HeaderParam.IV, iv);
  return { nonce: iv, unprotectedHeaders };
}

function combine(partial: Uint8Array, baseIV: Uint8Array, length: number, where: string): Uint8Array {
  if (partial.length > length) throw headerError(where, `Partial IV (6) is longer than the ${length}-byte nonce`);
  if (baseIV.length !== length) throw headerError(where, `Base IV is ${baseIV.length} bytes, the algorithm needs ${length}`);
  const out = Uint8Array.from(baseIV);
  const offset = length - partial.length;
  for (let i = 0; i < partial.length; i++) out[offset + i]! ^= partial[i] ?? 0;
  return out;
}
