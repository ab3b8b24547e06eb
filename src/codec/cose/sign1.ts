/** COSE_Sign1 (RFC 9052 §4.2): one signer, signature over Sig_structure "Signature1" (§4.4). */
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { KeyOp } from './key-parameters.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { type KeyLike, type SigningKeyLike, toKeyObject } from './lib/keys.ts';
import { attach, checkAllowed, type DecodeRules, decodeMessage, readBstr, readContent, readLayer, withTag } from './lib/message.ts';
import { signatureAlgorithm } from './lib/signature.ts';
import { sigStructure1 } from './lib/structures.ts';
import { isSigningHandle } from './signing-handle.ts';
import { CoseTag } from './tags.ts';

export type { HeaderMap } from './lib/headers.ts';
export type { KeyLike, SigningKeyLike } from './lib/keys.ts';
export type { DecodeRules, TagRule } from './lib/message.ts';
export type { SigningHandle, SignRequest } from './signing-handle.ts';

export interface SignSign1Options {
  payload: Uint8Array;
  /** Private key: a KeyObject (reused as is), a COSE_Key, or a handle to a key that signs elsewhere. */
  key: SigningKeyLike;
  /** Must hold alg (1) unless `unprotectedHeaders` does. */
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  /** Sign the payload but write nil in its place (RFC 9052 §2). */
  detached?: boolean;
  /** Write the COSE_Sign1 tag (18); default true. */
  tagged?: boolean;
}

export interface VerifySign1Options extends DecodeRules {
  /** Public key (or private: its public half is used): a KeyObject or a COSE_Key. */
  key: KeyLike;
  externalAad?: Uint8Array;
  /** The payload, when the message carries nil in its place. */
  detachedPayload?: Uint8Array;
  /** Accepted algorithm ids; anything else fails with ERR_COSE_ALG_NOT_ALLOWED. */
  algorithms?: readonly number[];
}

export interface DecodedSign1 extends Layer {
  alg: number;
  /** The payload, or null when detached. */
  payload: Uint8Array | null;
  signature: Uint8Array;
}

export interface VerifiedSign1 extends Layer {
  alg: number;
  payload: Uint8Array;
}

const NAME = 'COSE_Sign1';

/** Creates a COSE_Sign1 message. */
export function signSign1(opts: SignSign1Options): Uint8Array {
  if (!(opts.payload instanceof Uint8Array)) throw new TypeError(`${NAME}: payload must be a Uint8Array`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const layer = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const alg = algOf(layer, NAME);
  const algorithm = signatureAlgorithm(alg, NAME);
  const toBeSigned = sigStructure1(layer.protectedBytes, opts.externalAad, opts.payload);
  let signature: Uint8Array;
  if (isSigningHandle(opts.key)) {
    // The token holds the private half: check the algorithm against the public one, sign there.
    algorithm.checkKey(opts.key.publicKey, false, NAME);
    signature = opts.key.sign(algorithm.request, toBeSigned);
  } else {
    const key = toKeyObject(opts.key, alg, [KeyOp.sign], NAME, true);
    algorithm.checkKey(key, true, NAME);
    signature = algorithm.sign(key, toBeSigned);
  }
  const body = [layer.protectedBytes, layer.unprotectedHeaders, opts.detached === true ? null : opts.payload, signature];
  return encode(withTag(body, CoseTag.COSE_Sign1, opts.tagged));
}

/**
 * Decodes and validates the structure of a COSE_Sign1 without verifying it, for callers that pick
 * the key from the headers (kid, x5chain). Nothing in the result is authenticated yet.
 */
export function decodeSign1(bytes: Uint8Array, rules: DecodeRules = {}): DecodedSign1 {
  const e = decodeMessage(bytes, CoseTag.COSE_Sign1, NAME, [4], rules);
  const layer = readLayer(e, NAME, rules);
  return {
    ...layer,
    alg: algOf(layer, NAME),
    payload: readContent(e[2], NAME, 'payload', 2),
    signature: readBstr(e[3], NAME, 'signature', 3),
  };
}

/** Verifies a COSE_Sign1 message; the Sig_structure is built from the protected bytes as received. */
export function verifySign1(bytes: Uint8Array, opts: VerifySign1Options): VerifiedSign1 {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeSign1(bytes, opts);
  checkAllowed(m.alg, opts.algorithms, NAME);
  const algorithm = signatureAlgorithm(m.alg, NAME);
  const key = toKeyObject(opts.key, m.alg, [KeyOp.verify], NAME, false);
  algorithm.checkKey(key, false, NAME);
  const payload = attach(m.payload, opts.detachedPayload, NAME, 'payload');
  let ok = false;
  try {
    ok = algorithm.verify(key, sigStructure1(m.protectedBytes, opts.externalAad, payload, true), m.signature);
  } catch {
    // node throws on some malformed signature encodings: to the caller that is simply a bad signature.
  }
  if (!ok) throw new CoseError('ERR_COSE_SIGNATURE_INVALID', `${NAME}: signature does not verify`);
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    alg: m.alg,
    payload,
  };
}
