/** COSE_Mac0 (RFC 9052 §6.2): MAC with a key known to both sides, over MAC_structure "MAC0" (§6.3). */

import { constantTimeEqual } from '../bytes.ts';
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { KeyOp } from './key-parameters.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { type KeyLike, toKeyObject } from './lib/keys.ts';
import { macAlgorithm } from './lib/mac-algorithms.ts';
import { attach, checkAllowed, type DecodeRules, decodeMessage, readBstr, readContent, readLayer, withTag } from './lib/message.ts';
import { Context, macStructure } from './lib/structures.ts';
import { CoseTag } from './tags.ts';

export interface CreateMac0Options {
  payload: Uint8Array;
  /** Symmetric key: a secret KeyObject or a COSE_Key of kty 4. */
  key: KeyLike;
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  detached?: boolean;
  /** Write the COSE_Mac0 tag (17); default true. */
  tagged?: boolean;
}

export interface VerifyMac0Options extends DecodeRules {
  key: KeyLike;
  externalAad?: Uint8Array;
  detachedPayload?: Uint8Array;
  algorithms?: readonly number[];
}

export interface DecodedMac0 extends Layer {
  alg: number;
  payload: Uint8Array | null;
  tag: Uint8Array;
}

export interface VerifiedMac0 extends Layer {
  alg: number;
  payload: Uint8Array;
}

const NAME = 'COSE_Mac0';

/** Creates a COSE_Mac0 message. */
export function createMac0(opts: CreateMac0Options): Uint8Array {
  if (!(opts.payload instanceof Uint8Array)) throw new TypeError(`${NAME}: payload must be a Uint8Array`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const layer = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const alg = algOf(layer, NAME);
  const algorithm = macAlgorithm(alg, NAME);
  const key = toKeyObject(opts.key, alg, [KeyOp.macCreate], NAME, false);
  algorithm.checkKey(key, NAME);
  const tag = algorithm.tag(key, macStructure(Context.MAC0, layer.protectedBytes, opts.externalAad, opts.payload));
  const body = [layer.protectedBytes, layer.unprotectedHeaders, opts.detached === true ? null : opts.payload, tag];
  return encode(withTag(body, CoseTag.COSE_Mac0, opts.tagged));
}

/** Decodes and validates the structure of a COSE_Mac0 without checking its tag. */
export function decodeMac0(bytes: Uint8Array, rules: DecodeRules = {}): DecodedMac0 {
  const e = decodeMessage(bytes, CoseTag.COSE_Mac0, NAME, [4], rules);
  const layer = readLayer(e, NAME, rules);
  return { ...layer, alg: algOf(layer, NAME), payload: readContent(e[2], NAME, 'payload', 2), tag: readBstr(e[3], NAME, 'tag', 3) };
}

/** Verifies a COSE_Mac0 message (constant-time tag comparison). */
export function verifyMac0(bytes: Uint8Array, opts: VerifyMac0Options): VerifiedMac0 {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeMac0(bytes, opts);
  checkAllowed(m.alg, opts.algorithms, NAME);
  const algorithm = macAlgorithm(m.alg, NAME);
  const key = toKeyObject(opts.key, m.alg, [KeyOp.macVerify], NAME, false);
  algorithm.checkKey(key, NAME);
  const payload = attach(m.payload, opts.detachedPayload, NAME, 'payload');
  const expected = algorithm.tag(key, macStructure(Context.MAC0, m.protectedBytes, opts.externalAad, payload));
  if (!constantTimeEqual(expected, m.tag)) throw new CoseError('ERR_COSE_MAC_INVALID', `${NAME}: tag does not verify`);
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    alg: m.alg,
    payload,
  };
}
