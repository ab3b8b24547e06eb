/**
 * Authentication of SUIT envelopes (draft-ietf-suit-manifest-37 §8.3; algorithms per
 * draft-ietf-suit-mti): COSE_Sign1 or COSE_Mac0 blocks over the SUIT_Digest of the manifest, carried
 * as detached payload. Verification checks the digest and the blocks before the manifest is decoded,
 * then the digests of the severable members the envelope carries.
 */
import type { KeyObject } from 'node:crypto';
import { decode, type Tag } from '../codec/cbor.ts';
import { Algorithm, algorithmName } from '../codec/cose/algorithms.ts';
import { CoseError } from '../codec/cose/errors.ts';
import type { CoseKey } from '../codec/cose/key.ts';
import { createMac0, decodeMac0, verifyMac0 } from '../codec/cose/mac0.ts';
import { verifySign } from '../codec/cose/sign.ts';
import { decodeSign1, signSign1, verifySign1 } from '../codec/cose/sign1.ts';
import { CoseTag } from '../codec/cose/tags.ts';
import { SEVERABLE_KEYS } from './constants.ts';
import { checkDigest, checkWrappedDigest, digestOf, encodeDigest } from './digest.ts';
import {
  assembleEnvelope,
  decodeMembers,
  type EnvelopeDecodeOptions,
  envelopeKeyName,
  memberPath,
  partsOf,
  readEnvelope,
  type SuitEnvelope,
  wrapped,
} from './envelope.ts';
import { SuitError } from './errors.ts';
import { manifestKeyName } from './manifest.ts';

export type SuitKey = KeyObject | CoseKey;

export interface BlockResult {
  index: number;
  /** COSE structure name. */
  type: 'COSE_Sign1' | 'COSE_Sign' | 'COSE_Mac0' | 'COSE_Mac';
  alg?: number;
  verified: boolean;
  /** Which of the given keys verified it. */
  keyIndex?: number;
  /** Why it did not verify (the last key's reason). */
  reason?: string;
}

export interface VerifyEnvelopeOptions extends EnvelopeDecodeOptions {
  /** Trust anchors: public (or private) keys for COSE_Sign1, secret keys for COSE_Mac0. */
  keys: readonly SuitKey[];
  /** Every authentication block must verify (default: at least one). */
  requireAll?: boolean;
  /** Accepted COSE algorithm ids (default: any IoTopia implements). */
  algorithms?: readonly number[];
}

export interface VerifiedEnvelope {
  envelope: SuitEnvelope;
  blocks: BlockResult[];
  /** Severable members whose digest was checked. */
  severableChecked: string[];
}

const BLOCK_TYPES = new Map<number, BlockResult['type']>([
  [CoseTag.COSE_Sign1, 'COSE_Sign1'],
  [CoseTag.COSE_Sign, 'COSE_Sign'],
  [CoseTag.COSE_Mac0, 'COSE_Mac0'],
  [CoseTag.COSE_Mac, 'COSE_Mac'],
]);

/**
 * Verifies an envelope: the manifest digest, the authentication blocks, then (now that the
 * manifest is authentic) decodes the manifest and checks the digest of every severable member
 * present. Fails with ERR_SUIT_DIGEST_MISMATCH, ERR_SUIT_UNAUTHENTICATED or ERR_SUIT_AUTH_FAILED
 * naming what failed; nothing is returned from an envelope that does not verify.
 */
export function verifyEnvelope(bytes: Uint8Array, opts: VerifyEnvelopeOptions): VerifiedEnvelope {
  if (opts === null || typeof opts !== 'object' || !Array.isArray(opts.keys))
    throw new TypeError('verifyEnvelope: options with keys are required');
  const raw = readEnvelope(bytes, opts);
  const auth = raw.authentication;
  checkWrappedDigest(auth.digest, raw.manifestBytes, 'the manifest', 'envelope.authentication-wrapper.digest');
  if (auth.blocks.length === 0)
    throw new SuitError('ERR_SUIT_UNAUTHENTICATED', 'envelope.authentication-wrapper', 'the envelope has no authentication block');
  const blocks = auth.blocks.map((b, i) => verifyBlock(b, i + 1, auth.digestBytes, opts));
  const failed = blocks.filter((b) => !b.verified);
  if (failed.length === blocks.length || (opts.requireAll === true && failed.length > 0)) {
    throw new SuitError('ERR_SUIT_AUTH_FAILED', 'envelope.authentication-wrapper', explain(failed));
  }
  const envelope = decodeMembers(raw, opts);
  const severableChecked: string[] = [];
  envelope.severable.forEach((member, k) => {
    const digest = envelope.manifest.severed.get(k);
    if (digest === undefined) return; // decodeMembers already refused this
    const name = manifestKeyName(k);
    checkWrappedDigest(digest, member.bytes, SEVERABLE_WHAT.get(k) ?? `severable member ${name}`, memberPath(k));
    severableChecked.push(name);
  });
  return { envelope, blocks, severableChecked };
}

/** What a digest mismatch of each severable member names, written once. */
const SEVERABLE_WHAT = new Map([...SEVERABLE_KEYS].map((k) => [k, `severable member ${manifestKeyName(k)}`]));

const explain = (list: BlockResult[]): string =>
  list.map((b) => `block ${b.index} (${b.type}${b.alg === undefined ? '' : ` ${algorithmName(b.alg)}`}): ${b.reason}`).join('; ');

function verifyBlock(block: Uint8Array, index: number, payload: Uint8Array, opts: VerifyEnvelopeOptions): BlockResult {
  const tag = blockTag(block);
  const type = BLOCK_TYPES.get(tag) as BlockResult['type'];
  const result: BlockResult = { index, type, verified: false };
  if (opts.keys.length === 0) result.reason = 'no key given';
  for (let k = 0; k < opts.keys.length; k++) {
    const key = opts.keys[k] as SuitKey;
    // The payload is detached (the SUIT_Digest) and the COSE tag required; algorithms when the caller limits them.
    const rules =
      opts.algorithms === undefined
        ? { detachedPayload: payload, tag: 'required' as const, key }
        : { detachedPayload: payload, tag: 'required' as const, key, algorithms: opts.algorithms };
    try {
      if (tag === CoseTag.COSE_Sign1) result.alg = verifySign1(block, rules).alg;
      else if (tag === CoseTag.COSE_Mac0) result.alg = verifyMac0(block, rules).alg;
      else if (tag === CoseTag.COSE_Sign) verifySign(block, rules);
      else throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', 'COSE_Mac authentication blocks are not supported');
      result.verified = true;
      result.keyIndex = k;
      delete result.reason;
      return result;
    } catch (e) {
      if (!(e instanceof CoseError)) throw e;
      result.reason = `${e.message} [${e.code}]`;
    }
  }
  // Not verified: name the algorithm in the report when the block says one.
  try {
    if (tag === CoseTag.COSE_Sign1) result.alg = decodeSign1(block).alg;
    else if (tag === CoseTag.COSE_Mac0) result.alg = decodeMac0(block).alg;
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
  }
  return result;
}

/**
 * The COSE tag of an authentication block, read from its head: readEnvelope has already checked
 * that each block is well-formed CBOR tagged with one of the four COSE structures (all below 2^16).
 */
function blockTag(block: Uint8Array): number {
  const ib = block[0] as number;
  if (ib >= 0xc0 && ib < 0xd8) return ib - 0xc0;
  if (ib === 0xd8) return block[1] as number;
  if (ib === 0xd9) return ((block[1] as number) << 8) | (block[2] as number);
  return (decode(block) as Tag).tag;
}

export interface SignEnvelopeOptions {
  /** Private key (COSE_Sign1) or secret key (COSE_Mac0). */
  key: SuitKey;
  /** COSE algorithm; default from the key: ES256 (P-256), ES384 (P-384), EdDSA (Ed25519), HMAC 256/256 (secret). */
  alg?: number;
  /** Key id written in the unprotected header. */
  kid?: Uint8Array;
  /** Drop the blocks already present (default: the new block is added to them). */
  replace?: boolean;
  /** Digest algorithm of the manifest when the wrapper's digest is recomputed (default: keep the present one). */
  digestAlgorithm?: number;
}

/** The default COSE algorithm for a key (draft-ietf-suit-mti profiles). */
export function defaultAlgorithm(key: SuitKey): number {
  if (key instanceof Map) {
    const alg = key.get(3);
    if (typeof alg === 'number') return alg;
    const kty = key.get(1);
    if (kty === 4) return Algorithm.HMAC_256_256;
    if (kty === 1) return Algorithm.EdDSA;
    return key.get(-1) === 2 ? Algorithm.ES384 : Algorithm.ES256;
  }
  if (key.type === 'secret') return Algorithm.HMAC_256_256;
  const t = key.asymmetricKeyType;
  if (t === 'ed25519' || t === 'ed448') return Algorithm.EdDSA;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return Algorithm.ES384;
  if (curve === 'prime256v1') return Algorithm.ES256;
  throw new SuitError(
    'ERR_SUIT_UNSUPPORTED',
    'key',
    `no SUIT signature algorithm for a ${t ?? 'secret'} key${curve ? ` on ${curve}` : ''}`,
  );
}

const MAC_ALGS: ReadonlySet<number> = new Set([
  Algorithm.HMAC_256_64,
  Algorithm.HMAC_256_256,
  Algorithm.HMAC_384_384,
  Algorithm.HMAC_512_512,
]);

/**
 * Signs (or MACs) an envelope: the digest in the authentication wrapper is checked against the
 * manifest bytes (or recomputed with `digestAlgorithm`), and a block over it is added. The
 * manifest and every other member keep their bytes.
 */
export function signEnvelope(bytes: Uint8Array, opts: SignEnvelopeOptions): Uint8Array {
  const raw = readEnvelope(bytes);
  const manifest = wrapped(raw.manifestBytes);
  let digestBytes = raw.authentication.digestBytes;
  let blocks = opts.replace === true ? [] : raw.authentication.blocks;
  if (opts.digestAlgorithm !== undefined && opts.digestAlgorithm !== raw.authentication.digest.algorithm) {
    digestBytes = encodeDigest(digestOf(opts.digestAlgorithm, manifest));
    blocks = []; // blocks over the old digest would no longer verify
  } else {
    checkDigest(raw.authentication.digest, manifest, 'the manifest', 'envelope.authentication-wrapper.digest');
  }
  const alg = opts.alg ?? defaultAlgorithm(opts.key);
  const protectedHeaders = new Map<number, unknown>([[1, alg]]);
  const unprotectedHeaders = new Map<number, unknown>(opts.kid === undefined ? [] : [[4, opts.kid]]);
  const block = MAC_ALGS.has(alg)
    ? createMac0({ payload: digestBytes, key: opts.key, protectedHeaders, unprotectedHeaders, detached: true })
    : signSign1({ payload: digestBytes, key: opts.key, protectedHeaders, unprotectedHeaders, detached: true });
  return assembleEnvelope({ ...partsOf(raw), digestBytes, blocks: [...blocks, block] });
}

/**
 * Severs members from an envelope (§8.4.11): removes them and keeps only the digests the manifest
 * holds, so the envelope still verifies. Default: every severable member the envelope carries.
 */
export function severEnvelope(bytes: Uint8Array, members?: readonly number[]): Uint8Array {
  const raw = readEnvelope(bytes);
  const env = decodeMembers(raw);
  const remove = members ?? [...raw.severable.keys()];
  const severable = new Map(raw.severable);
  for (const k of remove) {
    const at = `envelope.${envelopeKeyName(k)}`;
    if (!env.manifest.severed.has(k)) {
      throw new SuitError(
        'ERR_SUIT_SEVERED',
        at,
        env.manifest.sequences.has(k) || (k === 23 && env.manifest.text !== undefined)
          ? `${manifestKeyName(k)} is inside the manifest, not severable without a new manifest`
          : `${manifestKeyName(k)} is not in this envelope`,
      );
    }
    severable.delete(k);
  }
  return assembleEnvelope({ ...partsOf(raw), severable });
}
