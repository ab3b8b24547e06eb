/** COSE_Encrypt0 (RFC 9052 §5.2): AEAD with a key known to both sides, Enc_structure "Encrypt0" (§5.3). */
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { KeyOp } from './key-parameters.ts';
import { checkExternalAad, contentAlgorithm } from './lib/content-algorithms.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { baseIVOf, defaultRandom, nonceForOutput, nonceOf, type RandomSource } from './lib/iv.ts';
import { type KeyLike, toKeyObject } from './lib/keys.ts';
import { attach, checkAllowed, type DecodeRules, decodeMessage, readContent, readLayer, withTag } from './lib/message.ts';
import { Context, encStructure } from './lib/structures.ts';
import { CoseTag } from './tags.ts';

export type { RandomSource } from './lib/iv.ts';

export interface EncryptEncrypt0Options {
  plaintext: Uint8Array;
  /** Content key: a secret KeyObject or a COSE_Key of kty 4 (its Base IV (5) is used with a Partial IV). */
  key: KeyLike;
  /** Must hold alg (1) unless `unprotectedHeaders` does. */
  protectedHeaders?: HeaderMap;
  /** An IV (5) or Partial IV (6) here is used; without either a random IV is generated and added. */
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  /** Base IV for a Partial IV (RFC 9052 §3.1), overriding the key's. */
  baseIV?: Uint8Array;
  /** Write nil in place of the ciphertext; the caller conveys the ciphertext itself. */
  detached?: boolean;
  /** Write the COSE_Encrypt0 tag (16); default true. */
  tagged?: boolean;
  random?: RandomSource;
}

export interface DecryptEncrypt0Options extends DecodeRules {
  key: KeyLike;
  externalAad?: Uint8Array;
  baseIV?: Uint8Array;
  detachedCiphertext?: Uint8Array;
  algorithms?: readonly number[];
}

export interface DecodedEncrypt0 extends Layer {
  alg: number;
  ciphertext: Uint8Array | null;
}

export interface DecryptedEncrypt0 extends Layer {
  alg: number;
  plaintext: Uint8Array;
}

const NAME = 'COSE_Encrypt0';

/** Creates a COSE_Encrypt0 message; with `detached`, the ciphertext is returned beside it. */
export function encryptEncrypt0(opts: EncryptEncrypt0Options): Uint8Array {
  return encryptEncrypt0Detached(opts).message;
}

/** As encryptEncrypt0, also returning the ciphertext (needed when `detached`). */
export function encryptEncrypt0Detached(opts: EncryptEncrypt0Options): { message: Uint8Array; ciphertext: Uint8Array } {
  if (!(opts.plaintext instanceof Uint8Array)) throw new TypeError(`${NAME}: plaintext must be a Uint8Array`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const layer = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const alg = algOf(layer, NAME);
  const algorithm = contentAlgorithm(alg, NAME);
  checkExternalAad(algorithm, opts.externalAad, NAME);
  const key = toKeyObject(opts.key, alg, [KeyOp.encrypt], NAME, false);
  algorithm.checkKey(key, NAME);
  const { nonce, unprotectedHeaders } = nonceForOutput(
    layer,
    algorithm,
    baseIVOf(opts.baseIV, opts.key),
    opts.random ?? defaultRandom,
    NAME,
  );
  const ciphertext = algorithm.encrypt(key, nonce, encStructure(Context.Encrypt0, layer.protectedBytes, opts.externalAad), opts.plaintext);
  const body = [layer.protectedBytes, unprotectedHeaders, opts.detached === true ? null : ciphertext];
  return { message: encode(withTag(body, CoseTag.COSE_Encrypt0, opts.tagged)), ciphertext };
}

/** Decodes and validates the structure of a COSE_Encrypt0 without decrypting it. */
export function decodeEncrypt0(bytes: Uint8Array, rules: DecodeRules = {}): DecodedEncrypt0 {
  const e = decodeMessage(bytes, CoseTag.COSE_Encrypt0, NAME, [3], rules);
  const layer = readLayer(e, NAME, rules);
  return { ...layer, alg: algOf(layer, NAME), ciphertext: readContent(e[2], NAME, 'ciphertext', 2) };
}

/** Decrypts a COSE_Encrypt0 message. */
export function decryptEncrypt0(bytes: Uint8Array, opts: DecryptEncrypt0Options): DecryptedEncrypt0 {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeEncrypt0(bytes, opts);
  checkAllowed(m.alg, opts.algorithms, NAME);
  const algorithm = contentAlgorithm(m.alg, NAME);
  checkExternalAad(algorithm, opts.externalAad, NAME);
  const key = toKeyObject(opts.key, m.alg, [KeyOp.decrypt], NAME, false);
  algorithm.checkKey(key, NAME);
  const nonce = nonceOf(m, algorithm, baseIVOf(opts.baseIV, opts.key), NAME);
  const ciphertext = attach(m.ciphertext, opts.detachedCiphertext, NAME, 'ciphertext');
  const plaintext = algorithm.decrypt(key, nonce, encStructure(Context.Encrypt0, m.protectedBytes, opts.externalAad), ciphertext);
  if (plaintext === undefined) throw new CoseError('ERR_COSE_DECRYPT_FAILED', `${NAME}: authentication failed`);
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    alg: m.alg,
    plaintext,
  };
}
