/** COSE_Sign (RFC 9052 §4.1): one payload, one or more signers, Sig_structure "Signature" (§4.4). */
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { KeyOp } from './key-parameters.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { type KeyLike, toKeyObject } from './lib/keys.ts';
import {
  attach,
  checkAllowed,
  type DecodeRules,
  decodeMessage,
  malformed,
  readBstr,
  readContent,
  readLayer,
  withTag,
} from './lib/message.ts';
import { signatureAlgorithm } from './lib/signature.ts';
import { Context, sigStructure } from './lib/structures.ts';
import { CoseTag } from './tags.ts';

export interface SignerInput {
  key: KeyLike;
  /** Must hold alg (1) unless `unprotectedHeaders` does. */
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
}

export interface SignSignOptions {
  payload: Uint8Array;
  signers: readonly SignerInput[];
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  detached?: boolean;
  /** Write the COSE_Sign tag (98); default true. */
  tagged?: boolean;
}

export interface DecodedSigner extends Layer {
  index: number;
  alg: number;
  signature: Uint8Array;
}

export interface DecodedSign extends Layer {
  payload: Uint8Array | null;
  signers: DecodedSigner[];
}

/**
 * The key for one signer, or undefined to leave that signer unchecked. A plain key is offered to
 * every signer whose algorithm it suits.
 */
export type SignerKeyResolver = (signer: DecodedSigner) => KeyLike | undefined;

export interface VerifySignOptions extends DecodeRules {
  key: KeyLike | SignerKeyResolver;
  externalAad?: Uint8Array;
  detachedPayload?: Uint8Array;
  algorithms?: readonly number[];
  /**
   * 'any' (default): at least one signer verifies and no checked signer fails; 'all': every signer
   * gets a key and verifies.
   */
  require?: 'any' | 'all';
}

export interface VerifiedSign extends Layer {
  payload: Uint8Array;
  signers: (DecodedSigner & { verified: boolean })[];
}

const NAME = 'COSE_Sign';

/** Creates a COSE_Sign message with one signature per signer. */
export function signSign(opts: SignSignOptions): Uint8Array {
  if (!(opts.payload instanceof Uint8Array)) throw new TypeError(`${NAME}: payload must be a Uint8Array`);
  if (!Array.isArray(opts.signers) || opts.signers.length === 0) throw new TypeError(`${NAME}: at least one signer is required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const body = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const signatures = opts.signers.map((s, i) => {
    const where = `${NAME} signer ${i}`;
    const layer = buildLayer(s.protectedHeaders, s.unprotectedHeaders, where);
    const alg = algOf(layer, where);
    const algorithm = signatureAlgorithm(alg, where);
    const key = toKeyObject(s.key, alg, [KeyOp.sign], where, true);
    algorithm.checkKey(key, true, where);
    const tbs = sigStructure(Context.Signature, body.protectedBytes, layer.protectedBytes, opts.externalAad, opts.payload);
    return [layer.protectedBytes, layer.unprotectedHeaders, algorithm.sign(key, tbs)];
  });
  const out = [body.protectedBytes, body.unprotectedHeaders, opts.detached === true ? null : opts.payload, signatures];
  return encode(withTag(out, CoseTag.COSE_Sign, opts.tagged));
}

/** Decodes and validates the structure of a COSE_Sign without verifying any signature. */
export function decodeSign(bytes: Uint8Array, rules: DecodeRules = {}): DecodedSign {
  const e = decodeMessage(bytes, CoseTag.COSE_Sign, NAME, [4], rules);
  const layer = readLayer(e, NAME, rules);
  const payload = readContent(e[2], NAME, 'payload', 2);
  const list = e[3];
  if (!Array.isArray(list) || list.length === 0) throw malformed(`${NAME}: signatures (element 3) must be a non-empty array`);
  const signers = list.map((s: unknown, index): DecodedSigner => {
    const where = `${NAME} signer ${index}`;
    if (!Array.isArray(s) || s.length !== 3) throw malformed(`${where}: COSE_Signature must be an array of 3 elements`);
    const l = readLayer(s, where, rules);
    return { ...l, index, alg: algOf(l, where), signature: readBstr(s[2], where, 'signature', 2) };
  });
  return { ...layer, payload, signers };
}

/** Verifies the signers of a COSE_Sign message for which a key is given (see `require`). */
export function verifySign(bytes: Uint8Array, opts: VerifySignOptions): VerifiedSign {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeSign(bytes, opts);
  const payload = attach(m.payload, opts.detachedPayload, NAME, 'payload');
  const resolver = typeof opts.key === 'function' ? opts.key : undefined;
  const all = opts.require === 'all';
  const results = m.signers.map((s) => {
    const where = `${NAME} signer ${s.index}`;
    checkAllowed(s.alg, opts.algorithms, where);
    const algorithm = signatureAlgorithm(s.alg, where);
    const given = resolver === undefined ? (opts.key as KeyLike) : resolver(s);
    if (given === undefined) {
      if (all) throw new CoseError('ERR_COSE_SIGNATURE_INVALID', `${where}: no key was given for this signer`);
      return { ...s, verified: false };
    }
    const key = toKeyObject(given, s.alg, [KeyOp.verify], where, false);
    if (resolver === undefined && !all) {
      // A single key is only offered to the signers it can serve.
      try {
        algorithm.checkKey(key, false, where);
      } catch {
        return { ...s, verified: false };
      }
    } else {
      algorithm.checkKey(key, false, where);
    }
    let ok = false;
    try {
      ok = algorithm.verify(
        key,
        sigStructure(Context.Signature, m.protectedBytes, s.protectedBytes, opts.externalAad, payload),
        s.signature,
      );
    } catch {
      // A malformed signature encoding is a bad signature.
    }
    if (!ok) throw new CoseError('ERR_COSE_SIGNATURE_INVALID', `${where}: signature does not verify`);
    return { ...s, verified: true };
  });
  if (!results.some((r) => r.verified)) {
    throw new CoseError('ERR_COSE_KEY_MISMATCH', `${NAME}: the key suits none of the ${results.length} signers`);
  }
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    payload,
    signers: results,
  };
}
