/**
 * Decryption of a SUIT payload with its SUIT_Encryption_Info (draft-ietf-suit-firmware-encryption):
 * the content key is recovered from a COSE_recipient (AES key wrap, or ECDH-ES + AES key wrap with
 * the draft's KDF context), or is the caller's key for COSE_Encrypt0; the payload is then decrypted
 * with AES-GCM (Enc_structure with an empty external AAD) or AES-CTR (no AAD, empty protected header).
 */
import { createSecretKey, KeyObject } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { CborError } from '../../codec/cbor.ts';
import { algorithmName } from '../../codec/cose/algorithms.ts';
import { type DecodedEncrypt, type DecodedRecipient, decodeEncrypt } from '../../codec/cose/encrypt.ts';
import {
  type ContentAlgorithm,
  Context,
  contentAlgorithm,
  encStructure,
  nonceOf,
  param,
  recoverKey,
} from '../../codec/cose/encrypt-steps.ts';
import { type DecodedEncrypt0, decodeEncrypt0 } from '../../codec/cose/encrypt0.ts';
import { CoseError } from '../../codec/cose/errors.ts';
import { HeaderParam } from '../../codec/cose/header-parameters.ts';
import { SuitError, type SuitErrorCode } from '../errors.ts';
import {
  AEAD_ALGORITHMS,
  CTR_ALGORITHMS,
  DEFAULT_DECRYPT_LIMITS,
  type DecryptLimits,
  EncryptionInfoTag,
  ES_DH_ALGORITHMS,
  KEY_WRAP_ALGORITHMS,
  SUIT_KDF_CONTEXT,
} from './profile.ts';

/** A decryption key, optionally with the key id (kid) its recipient names. */
export interface SuitDecryptionKey {
  key: KeyObject;
  kid?: Uint8Array;
}

export interface DecryptPayloadInput {
  /** The SUIT_Encryption_Info: a tagged COSE_Encrypt or COSE_Encrypt0 (its CBOR bytes). */
  encryptionInfo: Uint8Array;
  /** The detached ciphertext (e.g. suit-parameter-content or the fetched payload); empty when attached. */
  ciphertext: Uint8Array;
  /**
   * Secret keys (AES key wrap KEKs, or the content key for COSE_Encrypt0) and private EC keys
   * (ECDH-ES + AES key wrap). Recipients whose kid equals a key's are tried with it first.
   */
  keys: readonly (KeyObject | SuitDecryptionKey)[];
  limits?: Partial<DecryptLimits>;
}

const WHERE = 'encryption-info';

const fail = (code: SuitErrorCode, path: string, message: string, cause?: unknown) =>
  new SuitError(code, path, message, cause === undefined ? undefined : { cause });

function normalise(keys: DecryptPayloadInput['keys']): SuitDecryptionKey[] {
  if (!Array.isArray(keys)) throw new TypeError('decryptPayload: keys must be an array');
  return keys.map((k, i) => {
    const entry = k instanceof KeyObject ? { key: k } : k;
    if (entry === null || typeof entry !== 'object' || !(entry.key instanceof KeyObject)) {
      throw new TypeError(`decryptPayload: keys[${i}] must be a KeyObject or { key, kid }`);
    }
    return entry;
  });
}

/** Decrypts a payload; throws SuitError with a code of docs/errors-suit.md and the reason. */
export function decryptPayload(input: DecryptPayloadInput): Uint8Array {
  if (!(input.encryptionInfo instanceof Uint8Array)) throw new TypeError('decryptPayload: encryptionInfo must be a Uint8Array');
  if (!(input.ciphertext instanceof Uint8Array)) throw new TypeError('decryptPayload: ciphertext must be a Uint8Array');
  const limits = { ...DEFAULT_DECRYPT_LIMITS, ...input.limits };
  const keys = normalise(input.keys);
  if (input.encryptionInfo.length > limits.maxEncryptionInfoBytes) {
    throw fail('ERR_SUIT_LIMIT', WHERE, `${input.encryptionInfo.length} bytes, more than the ${limits.maxEncryptionInfoBytes} allowed`);
  }
  if (input.ciphertext.length > limits.maxCiphertextBytes) {
    throw fail('ERR_SUIT_LIMIT', 'ciphertext', `${input.ciphertext.length} bytes, more than the ${limits.maxCiphertextBytes} allowed`);
  }
  const tag = tagOf(input.encryptionInfo);
  if (tag === EncryptionInfoTag.COSE_Encrypt) {
    const m = decodeOrFail(() => decodeEncrypt(input.encryptionInfo, { tag: 'required' }));
    const algorithm = checkContent(m);
    if (m.recipients.length > limits.maxRecipients) {
      throw fail(
        'ERR_SUIT_LIMIT',
        `${WHERE}.recipients`,
        `${m.recipients.length} recipients, more than the ${limits.maxRecipients} allowed`,
      );
    }
    const ciphertext = ciphertextOf(m.ciphertext, input.ciphertext);
    const cek = recoverContentKey(m, algorithm, keys);
    return decryptContent(algorithm, cek, m, Context.Encrypt, ciphertext);
  }
  if (tag === EncryptionInfoTag.COSE_Encrypt0) {
    const m = decodeOrFail(() => decodeEncrypt0(input.encryptionInfo, { tag: 'required' }));
    const algorithm = checkContent(m);
    const ciphertext = ciphertextOf(m.ciphertext, input.ciphertext);
    return decryptWithContentKeys(algorithm, m, ciphertext, keys);
  }
  throw fail('ERR_SUIT_DECRYPT_MALFORMED', WHERE, 'must be a COSE_Encrypt (tag 96) or COSE_Encrypt0 (tag 16)');
}

/** The CBOR tag number at the start of `bytes` (one- or two-byte head), or -1. */
function tagOf(bytes: Uint8Array): number {
  const b0 = bytes[0];
  if (b0 === undefined || b0 >> 5 !== 6) return -1;
  const info = b0 & 0x1f;
  if (info < 24) return info;
  if (info === 24 && bytes.length > 1) return bytes[1]!;
  return -1;
}

function decodeOrFail<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CoseError && e.code === 'ERR_COSE_UNSUPPORTED_ALG') throw fail('ERR_SUIT_DECRYPT_UNSUPPORTED', WHERE, e.message, e);
    if (e instanceof CoseError || e instanceof CborError) {
      throw fail('ERR_SUIT_DECRYPT_MALFORMED', WHERE, (e as Error).message, e);
    }
    throw e;
  }
}

/** Checks the content encryption layer against the draft and returns its algorithm. */
function checkContent(m: DecodedEncrypt | DecodedEncrypt0): ContentAlgorithm {
  const ctr = CTR_ALGORITHMS.has(m.alg);
  if (!ctr && !AEAD_ALGORITHMS.has(m.alg)) {
    throw fail(
      'ERR_SUIT_DECRYPT_UNSUPPORTED',
      `${WHERE}.alg`,
      `content encryption ${algorithmName(m.alg)} is not one of AES-GCM or AES-CTR`,
    );
  }
  // The draft's "Content Encryption" section: for ciphers without integrity the protected header is
  // a zero-length byte string (nothing could authenticate it).
  if (ctr && m.protectedBytes.length !== 0) {
    throw fail('ERR_SUIT_DECRYPT_MALFORMED', `${WHERE}.protected`, `${algorithmName(m.alg)} needs a zero-length protected header`);
  }
  return contentAlgorithm(m.alg, WHERE);
}

function ciphertextOf(attached: Uint8Array | null, detached: Uint8Array): Uint8Array {
  if (attached === null) return detached;
  if (detached.length !== 0)
    throw fail('ERR_SUIT_DECRYPT_MALFORMED', `${WHERE}.ciphertext`, 'ciphertext is both attached and given detached');
  return attached;
}

function checkRecipient(r: DecodedRecipient, i: number): 'kw' | 'es-dh' {
  const path = `${WHERE}.recipients[${i}]`;
  if (r.recipients !== undefined) throw fail('ERR_SUIT_DECRYPT_UNSUPPORTED', path, 'nested recipients are not part of the SUIT profile');
  if (KEY_WRAP_ALGORITHMS.has(r.alg)) {
    // The draft's AES-KW CDDL: protected is a zero-length byte string (AES-KW has no per-use parameters).
    if (r.protectedBytes.length !== 0)
      throw fail('ERR_SUIT_DECRYPT_MALFORMED', path, 'an AES key wrap recipient has an empty protected header');
    return 'kw';
  }
  if (ES_DH_ALGORITHMS.has(r.alg)) return 'es-dh';
  throw fail(
    'ERR_SUIT_DECRYPT_UNSUPPORTED',
    path,
    `key distribution ${algorithmName(r.alg)} is not AES key wrap or ECDH-ES + AES key wrap`,
  );
}

function fits(k: SuitDecryptionKey, kind: 'kw' | 'es-dh'): boolean {
  if (kind === 'kw') return k.key.type === 'secret';
  const t = k.key.asymmetricKeyType;
  return k.key.type === 'private' && (t === 'ec' || t === 'x25519' || t === 'x448');
}

function kidMatches(r: DecodedRecipient | DecodedEncrypt0, k: SuitDecryptionKey): boolean {
  const kid = param(r, HeaderParam.kid);
  return kid instanceof Uint8Array && k.kid !== undefined && bytesEqual(kid, k.kid);
}

function recoverContentKey(m: DecodedEncrypt, algorithm: ContentAlgorithm, keys: SuitDecryptionKey[]): KeyObject {
  const kinds = m.recipients.map((r, i) => checkRecipient(r, i));
  const attempts: { r: number; k: SuitDecryptionKey }[] = [];
  kinds.forEach((kind, i) => {
    for (const k of keys) if (fits(k, kind)) attempts.push({ r: i, k });
  });
  // A kid is a hint (RFC 9052 §3.1): pairs whose kids match go first.
  attempts.sort((a, b) => Number(kidMatches(m.recipients[b.r]!, b.k)) - Number(kidMatches(m.recipients[a.r]!, a.k)));
  if (attempts.length === 0) {
    const wanted = [...new Set(kinds)]
      .map((k) => (k === 'kw' ? 'a secret key-encryption key' : 'a private EC or X25519/X448 key'))
      .join(' or ');
    throw fail('ERR_SUIT_DECRYPT_NO_KEY', `${WHERE}.recipients`, `no key of the kind the recipients need (${wanted})`);
  }
  const reasons: string[] = [];
  for (const { r, k } of attempts) {
    try {
      const cek = recoverKey(m.recipients[r]!, m.alg, algorithm.keyLength, { key: k.key, kdfContext: SUIT_KDF_CONTEXT }, `recipient ${r}`);
      return createSecretKey(cek);
    } catch (e) {
      if (!(e instanceof CoseError)) throw e;
      reasons.push(e.message);
    }
  }
  throw fail('ERR_SUIT_DECRYPT_NO_KEY', `${WHERE}.recipients`, `no given key opens a recipient (${reasons.join('; ')})`);
}

function decryptContent(
  algorithm: ContentAlgorithm,
  cek: KeyObject,
  m: DecodedEncrypt | DecodedEncrypt0,
  context: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  let nonce: Uint8Array;
  try {
    algorithm.checkKey(cek, WHERE);
    nonce = nonceOf(m, algorithm, undefined, WHERE);
  } catch (e) {
    if (e instanceof CoseError && e.code === 'ERR_COSE_KEY_MISMATCH') throw fail('ERR_SUIT_DECRYPT_NO_KEY', WHERE, e.message, e);
    if (e instanceof CoseError) throw fail('ERR_SUIT_DECRYPT_MALFORMED', WHERE, e.message, e);
    throw e;
  }
  // The draft's "Content Encryption": AEADs use the Enc_structure with a zero-length external_aad;
  // AES-CTR uses no AAD at all (the algorithm ignores it).
  const plaintext = algorithm.decrypt(cek, nonce, encStructure(context, m.protectedBytes, new Uint8Array(0)), ciphertext);
  if (plaintext === undefined) {
    throw fail(
      'ERR_SUIT_DECRYPT_FAILED',
      'ciphertext',
      `${algorithmName(algorithm.id)} authentication failed: the ciphertext, IV or key is wrong`,
    );
  }
  return plaintext;
}

function decryptWithContentKeys(
  algorithm: ContentAlgorithm,
  m: DecodedEncrypt0,
  ciphertext: Uint8Array,
  keys: SuitDecryptionKey[],
): Uint8Array {
  const candidates = keys.filter((k) => k.key.type === 'secret' && k.key.symmetricKeySize === algorithm.keyLength);
  candidates.sort((a, b) => Number(kidMatches(m, b)) - Number(kidMatches(m, a)));
  if (candidates.length === 0) {
    throw fail('ERR_SUIT_DECRYPT_NO_KEY', WHERE, `COSE_Encrypt0 needs the ${algorithm.keyLength}-byte content key`);
  }
  if (!algorithm.aead) {
    // Nothing tells a right key from a wrong one: use the one the kid names, or the only candidate.
    const named = candidates.filter((k) => kidMatches(m, k));
    const pick = named.length === 1 ? named[0] : candidates.length === 1 ? candidates[0] : undefined;
    if (pick === undefined)
      throw fail(
        'ERR_SUIT_DECRYPT_NO_KEY',
        WHERE,
        `${algorithmName(m.alg)} is not authenticated: give exactly one content key, or one whose kid matches`,
      );
    return decryptContent(algorithm, pick.key, m, Context.Encrypt0, ciphertext);
  }
  let last: unknown;
  for (const k of candidates) {
    try {
      return decryptContent(algorithm, k.key, m, Context.Encrypt0, ciphertext);
    } catch (e) {
      if (!(e instanceof SuitError) || e.code !== 'ERR_SUIT_DECRYPT_FAILED') throw e;
      last = e;
    }
  }
  throw last;
}
