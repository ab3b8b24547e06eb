/** COSE_Encrypt (RFC 9052 §5.1): AEAD with the content key conveyed through recipients, Enc_structure "Encrypt" (§5.3). */
import { createSecretKey } from 'node:crypto';
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { checkExternalAad, contentAlgorithm } from './lib/content-algorithms.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { defaultRandom, nonceForOutput, nonceOf, type RandomSource } from './lib/iv.ts';
import { attach, checkAllowed, type DecodeRules, decodeMessage, readContent, readLayer, withTag } from './lib/message.ts';
import {
  buildRecipients,
  type DecodedRecipient,
  type RecipientInput,
  type RecipientKeyOptions,
  readRecipients,
  recoverFromList,
} from './lib/recipients.ts';
import { Context, encStructure } from './lib/structures.ts';
import { CoseTag } from './tags.ts';

export type { RandomSource } from './lib/iv.ts';
export type { DecodedRecipient, KdfContextInput, PartyInfo, RecipientInput } from './lib/recipients.ts';

export interface EncryptEncryptOptions {
  plaintext: Uint8Array;
  recipients: readonly RecipientInput[];
  /** Must hold alg (1) unless `unprotectedHeaders` does. */
  protectedHeaders?: HeaderMap;
  /** An IV (5) or Partial IV (6) here is used; without either a random IV is generated and added. */
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  /** Base IV for a Partial IV (RFC 9052 §3.1). */
  baseIV?: Uint8Array;
  /** The content key, for key wrap and ECDH+key wrap recipients (random otherwise). */
  contentKey?: Uint8Array;
  detached?: boolean;
  /** Write the COSE_Encrypt tag (96); default true. */
  tagged?: boolean;
  /** Draws the content key (first) and the IV. */
  random?: RandomSource;
}

export interface DecryptEncryptOptions extends DecodeRules, RecipientKeyOptions {
  externalAad?: Uint8Array;
  baseIV?: Uint8Array;
  detachedCiphertext?: Uint8Array;
  /** Accepted content encryption algorithm ids. */
  algorithms?: readonly number[];
}

export interface DecodedEncrypt extends Layer {
  alg: number;
  ciphertext: Uint8Array | null;
  recipients: DecodedRecipient[];
}

export interface DecryptedEncrypt extends Layer {
  alg: number;
  plaintext: Uint8Array;
}

const NAME = 'COSE_Encrypt';

/** Creates a COSE_Encrypt message. */
export function encryptEncrypt(opts: EncryptEncryptOptions): Uint8Array {
  if (!(opts.plaintext instanceof Uint8Array)) throw new TypeError(`${NAME}: plaintext must be a Uint8Array`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const random = opts.random ?? defaultRandom;
  const layer = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const alg = algOf(layer, NAME);
  const algorithm = contentAlgorithm(alg, NAME);
  checkExternalAad(algorithm, opts.externalAad, NAME);
  const { cek, recipients } = buildRecipients(opts.recipients, alg, algorithm.keyLength, opts.contentKey, random, NAME);
  const { nonce, unprotectedHeaders } = nonceForOutput(layer, algorithm, opts.baseIV, random, NAME);
  const key = createSecretKey(cek);
  const ciphertext = algorithm.encrypt(key, nonce, encStructure(Context.Encrypt, layer.protectedBytes, opts.externalAad), opts.plaintext);
  const body = [layer.protectedBytes, unprotectedHeaders, opts.detached === true ? null : ciphertext, recipients];
  return encode(withTag(body, CoseTag.COSE_Encrypt, opts.tagged));
}

/** Decodes and validates the structure of a COSE_Encrypt without decrypting it. */
export function decodeEncrypt(bytes: Uint8Array, rules: DecodeRules = {}): DecodedEncrypt {
  const e = decodeMessage(bytes, CoseTag.COSE_Encrypt, NAME, [4], rules);
  const layer = readLayer(e, NAME, rules);
  return {
    ...layer,
    alg: algOf(layer, NAME),
    ciphertext: readContent(e[2], NAME, 'ciphertext', 2),
    recipients: readRecipients(e[3], NAME, rules),
  };
}

/** Decrypts a COSE_Encrypt message with the key of one of its recipients. */
export function decryptEncrypt(bytes: Uint8Array, opts: DecryptEncryptOptions): DecryptedEncrypt {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeEncrypt(bytes, opts);
  checkAllowed(m.alg, opts.algorithms, NAME);
  const algorithm = contentAlgorithm(m.alg, NAME);
  checkExternalAad(algorithm, opts.externalAad, NAME);
  const nonce = nonceOf(m, algorithm, opts.baseIV, NAME);
  const key = createSecretKey(recoverFromList(m.recipients, m.alg, algorithm.keyLength, opts, NAME));
  const ciphertext = attach(m.ciphertext, opts.detachedCiphertext, NAME, 'ciphertext');
  const plaintext = algorithm.decrypt(key, nonce, encStructure(Context.Encrypt, m.protectedBytes, opts.externalAad), ciphertext);
  if (plaintext === undefined) throw new CoseError('ERR_COSE_DECRYPT_FAILED', `${NAME}: authentication failed`);
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    alg: m.alg,
    plaintext,
  };
}
