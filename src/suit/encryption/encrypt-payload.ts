/**
 * Encryption of a SUIT payload (draft-ietf-suit-firmware-encryption), for tests and tooling: a
 * SUIT_Encryption_Info (COSE_Encrypt_Tagged with detached ciphertext) and the ciphertext, with the
 * content key wrapped for each recipient by AES key wrap or ECDH-ES + AES key wrap.
 */
import type { KeyObject } from 'node:crypto';
import { decode, encode, Tag } from '../../codec/cbor.ts';
import { Algorithm, algorithmName } from '../../codec/cose/algorithms.ts';
import { encryptEncrypt, type RandomSource, type RecipientInput } from '../../codec/cose/encrypt.ts';
import { HeaderParam } from '../../codec/cose/header-parameters.ts';
import { AEAD_ALGORITHMS, CTR_ALGORITHMS, EncryptionInfoTag, ES_DH_ALGORITHMS, KEY_WRAP_ALGORITHMS, SUIT_KDF_CONTEXT } from './profile.ts';

export type PayloadRecipient =
  /** AES key wrap with a pre-shared KEK (A128KW unless `alg` names A192KW or A256KW). */
  | { kind: 'aes-kw'; kek: KeyObject; kid?: Uint8Array; alg?: number }
  /** ECDH-ES + AES key wrap to the device's public key (ECDH-ES+A128KW unless `alg` says otherwise). */
  | { kind: 'es-dh'; publicKey: KeyObject; kid?: Uint8Array; alg?: number; ephemeralKey?: KeyObject };

export interface EncryptPayloadInput {
  plaintext: Uint8Array;
  recipients: readonly PayloadRecipient[];
  /** A128GCM (default), A192GCM, A256GCM, A128CTR, A192CTR or A256CTR. */
  contentAlgorithm?: number;
  /** The IV: 12 bytes for AES-GCM, the 16-byte initial counter block for AES-CTR (random when absent). */
  iv?: Uint8Array;
  /** The content key (random when absent). */
  contentKey?: Uint8Array;
  random?: RandomSource;
}

export interface EncryptedPayload {
  /** The SUIT_Encryption_Info, for suit-parameter-encryption-info (bstr-wrap it there). */
  encryptionInfo: Uint8Array;
  /** The detached ciphertext, for suit-parameter-content, an integrated payload or a URI. */
  ciphertext: Uint8Array;
}

function recipientInput(r: PayloadRecipient, i: number): RecipientInput {
  const unprotected = new Map<number, unknown>();
  if (r.kind === 'aes-kw') {
    const alg = r.alg ?? Algorithm.A128KW;
    if (!KEY_WRAP_ALGORITHMS.has(alg)) throw new TypeError(`encryptPayload: recipient ${i}: ${algorithmName(alg)} is not an AES key wrap`);
    // The draft's AES-KW CDDL: alg and kid unprotected, protected empty.
    unprotected.set(HeaderParam.alg, alg);
    if (r.kid !== undefined) unprotected.set(HeaderParam.kid, r.kid);
    return { key: r.kek, unprotectedHeaders: unprotected };
  }
  if (r.kind === 'es-dh') {
    const alg = r.alg ?? Algorithm.ECDH_ES_A128KW;
    if (!ES_DH_ALGORITHMS.has(alg))
      throw new TypeError(`encryptPayload: recipient ${i}: ${algorithmName(alg)} is not ECDH-ES + AES key wrap`);
    if (r.kid !== undefined) unprotected.set(HeaderParam.kid, r.kid);
    const input: RecipientInput = {
      key: r.publicKey,
      protectedHeaders: new Map([[HeaderParam.alg, alg]]),
      unprotectedHeaders: unprotected,
      kdfContext: SUIT_KDF_CONTEXT,
    };
    if (r.ephemeralKey !== undefined) input.ephemeralKey = r.ephemeralKey;
    return input;
  }
  throw new TypeError(`encryptPayload: recipient ${i}: kind must be aes-kw or es-dh`);
}

/** Encrypts a payload for one or more recipients; the ciphertext is detached. */
export function encryptPayload(input: EncryptPayloadInput): EncryptedPayload {
  const alg = input.contentAlgorithm ?? Algorithm.A128GCM;
  const ctr = CTR_ALGORITHMS.has(alg);
  if (!ctr && !AEAD_ALGORITHMS.has(alg)) throw new TypeError(`encryptPayload: ${algorithmName(alg)} is not AES-GCM or AES-CTR`);
  if (!Array.isArray(input.recipients) || input.recipients.length === 0) throw new TypeError('encryptPayload: at least one recipient');
  const protectedHeaders = new Map<number, unknown>();
  const unprotectedHeaders = new Map<number, unknown>();
  // AEAD: alg protected, so the Enc_structure covers it. AES-CTR: the protected header must be
  // empty (nothing authenticates it), so alg goes unprotected.
  (ctr ? unprotectedHeaders : protectedHeaders).set(HeaderParam.alg, alg);
  if (input.iv !== undefined) unprotectedHeaders.set(HeaderParam.IV, input.iv);
  const opts: Parameters<typeof encryptEncrypt>[0] = {
    plaintext: input.plaintext,
    recipients: input.recipients.map(recipientInput),
    protectedHeaders,
    unprotectedHeaders,
    // The draft's "Content Encryption": external_aad is a zero-length byte string.
    externalAad: new Uint8Array(0),
  };
  if (input.contentKey !== undefined) opts.contentKey = input.contentKey;
  if (input.random !== undefined) opts.random = input.random;
  const attached = encryptEncrypt(opts);
  // Detach: the same COSE_Encrypt with nil in place of the ciphertext.
  const tagged = decode(attached) as Tag;
  const body = tagged.value as unknown[];
  const ciphertext = body[2] as Uint8Array;
  body[2] = null;
  return { encryptionInfo: encode(new Tag(body, EncryptionInfoTag.COSE_Encrypt)), ciphertext };
}
