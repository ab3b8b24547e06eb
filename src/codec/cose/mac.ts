/** COSE_Mac (RFC 9052 §6.1): MAC with the key conveyed through recipients, MAC_structure "MAC" (§6.3). */
import { createSecretKey } from 'node:crypto';
import { constantTimeEqual } from '../bytes.ts';
import { encode } from '../cbor.ts';
import { CoseError } from './errors.ts';
import { algOf, buildLayer, type HeaderMap, type Layer } from './lib/headers.ts';
import { defaultRandom, type RandomSource } from './lib/iv.ts';
import { macAlgorithm, macKeyLength } from './lib/mac-algorithms.ts';
import { attach, checkAllowed, type DecodeRules, decodeMessage, readBstr, readContent, readLayer, withTag } from './lib/message.ts';
import {
  buildRecipients,
  type DecodedRecipient,
  type RecipientInput,
  type RecipientKeyOptions,
  readRecipients,
  recoverFromList,
} from './lib/recipients.ts';
import { Context, macStructure } from './lib/structures.ts';
import { CoseTag } from './tags.ts';

export type { DecodedRecipient, KdfContextInput, PartyInfo, RecipientInput } from './lib/recipients.ts';

export interface CreateMacOptions {
  payload: Uint8Array;
  recipients: readonly RecipientInput[];
  /** Must hold alg (1) unless `unprotectedHeaders` does. */
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
  externalAad?: Uint8Array;
  /** The MAC key, for key wrap and ECDH+key wrap recipients (random otherwise). */
  contentKey?: Uint8Array;
  detached?: boolean;
  /** Write the COSE_Mac tag (97); default true. */
  tagged?: boolean;
  random?: RandomSource;
}

export interface VerifyMacOptions extends DecodeRules, RecipientKeyOptions {
  externalAad?: Uint8Array;
  detachedPayload?: Uint8Array;
  /** Accepted MAC algorithm ids (the message layer). */
  algorithms?: readonly number[];
}

export interface DecodedMac extends Layer {
  alg: number;
  payload: Uint8Array | null;
  tag: Uint8Array;
  recipients: DecodedRecipient[];
}

export interface VerifiedMac extends Layer {
  alg: number;
  payload: Uint8Array;
}

const NAME = 'COSE_Mac';

/** Creates a COSE_Mac message. */
export function createMac(opts: CreateMacOptions): Uint8Array {
  if (!(opts.payload instanceof Uint8Array)) throw new TypeError(`${NAME}: payload must be a Uint8Array`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const layer = buildLayer(opts.protectedHeaders, opts.unprotectedHeaders, NAME);
  const alg = algOf(layer, NAME);
  const algorithm = macAlgorithm(alg, NAME);
  const { cek, recipients } = buildRecipients(
    opts.recipients,
    alg,
    macKeyLength(algorithm),
    opts.contentKey,
    opts.random ?? defaultRandom,
    NAME,
  );
  const key = createSecretKey(cek);
  algorithm.checkKey(key, NAME);
  const tag = algorithm.tag(key, macStructure(Context.MAC, layer.protectedBytes, opts.externalAad, opts.payload));
  const body = [layer.protectedBytes, layer.unprotectedHeaders, opts.detached === true ? null : opts.payload, tag, recipients];
  return encode(withTag(body, CoseTag.COSE_Mac, opts.tagged));
}

/** Decodes and validates the structure of a COSE_Mac without checking its tag. */
export function decodeMac(bytes: Uint8Array, rules: DecodeRules = {}): DecodedMac {
  const e = decodeMessage(bytes, CoseTag.COSE_Mac, NAME, [5], rules);
  const layer = readLayer(e, NAME, rules);
  return {
    ...layer,
    alg: algOf(layer, NAME),
    payload: readContent(e[2], NAME, 'payload', 2),
    tag: readBstr(e[3], NAME, 'tag', 3),
    recipients: readRecipients(e[4], NAME, rules),
  };
}

/** Verifies a COSE_Mac message with the key of one of its recipients. */
export function verifyMac(bytes: Uint8Array, opts: VerifyMacOptions): VerifiedMac {
  if (opts === null || typeof opts !== 'object' || opts.key === undefined) throw new TypeError(`${NAME}: options with a key are required`);
  if (opts.externalAad !== undefined && !(opts.externalAad instanceof Uint8Array))
    throw new TypeError(`${NAME}: externalAad must be a Uint8Array`);
  const m = decodeMac(bytes, opts);
  checkAllowed(m.alg, opts.algorithms, NAME);
  const algorithm = macAlgorithm(m.alg, NAME);
  const key = createSecretKey(recoverFromList(m.recipients, m.alg, macKeyLength(algorithm), opts, NAME));
  algorithm.checkKey(key, NAME);
  const payload = attach(m.payload, opts.detachedPayload, NAME, 'payload');
  const expected = algorithm.tag(key, macStructure(Context.MAC, m.protectedBytes, opts.externalAad, payload));
  if (!constantTimeEqual(expected, m.tag)) throw new CoseError('ERR_COSE_MAC_INVALID', `${NAME}: tag does not verify`);
  return {
    protectedBytes: m.protectedBytes,
    protectedHeaders: m.protectedHeaders,
    unprotectedHeaders: m.unprotectedHeaders,
    alg: m.alg,
    payload,
  };
}
