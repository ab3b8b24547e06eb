/**
 * COSE_Sign1 as FDO messages carry it (FDO 1.1 §3.3 CoseSignature: a tagged COSE_Sign1 with the
 * payload attached). Decoding checks the structure only: the key that verifies a signature comes
 * from the voucher or the rendezvous blob, which the caller holds.
 */
import { CoseError } from '../../codec/cose/errors.ts';
import { type DecodedSign1, decodeSign1, type HeaderMap, signSign1 } from '../../codec/cose/sign1.ts';
import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import { messageBodyError } from '../types/read.ts';

/** How IoTopia signs a message: a private key (or a keystore's handle) and the COSE algorithm id it signs with. */
export interface MessageSigner<K extends PrivateKeyLike = PrivateKeyLike> {
  key: K;
  alg: number;
}

/** A structurally valid COSE_Sign1 with its exact bytes; nothing in it is authenticated yet. */
export interface FdoSign1 extends DecodedSign1 {
  /** The message as received (tag included): what `verifySign1` and the voucher checks take. */
  bytes: Uint8Array;
  payload: Uint8Array;
}

/** An already signed COSE_Sign1 to send as is (e.g. a stored to1d or a decoded message). */
export interface PreSigned {
  sign1: { bytes: Uint8Array };
}

// Only shallow structures live in FDO's COSE headers (nonces, a PublicKey, an X5CHAIN).
const HEADER_CONTAINER_LIMIT = 64;

/** Decodes a tagged COSE_Sign1 of at most `maxBytes`; any COSE fault is a message body error. */
export function readSign1(bytes: Uint8Array, where: string, maxBytes: number): FdoSign1 {
  let m: DecodedSign1;
  try {
    m = decodeSign1(bytes, {
      tag: 'required',
      limits: { maxBytes, maxStringBytes: maxBytes, maxDepth: 16, maxContainerLength: HEADER_CONTAINER_LIMIT, maxItems: 4096 },
    });
  } catch (e) {
    if (e instanceof CoseError) throw messageBodyError(where, `not a valid COSE_Sign1: ${e.message} [${e.code}]`, e);
    throw e;
  }
  if (m.payload === null) throw messageBodyError(`${where}.payload`, 'FDO signatures carry their payload, but it is detached');
  return { ...m, payload: m.payload, bytes };
}

/** A tagged COSE_Sign1 over `payload`, alg in the protected header, FDO headers unprotected. */
export function signMessage(payload: Uint8Array, signer: MessageSigner, unprotected: HeaderMap | undefined, name: string): Uint8Array {
  if (signer === null || typeof signer !== 'object' || signer.key === undefined || typeof signer.alg !== 'number') {
    throw new TypeError(`${name}: a signer { key, alg } is required`);
  }
  try {
    return signSign1({
      payload,
      key: signer.key,
      protectedHeaders: new Map([[1, signer.alg]]),
      ...(unprotected === undefined ? {} : { unprotectedHeaders: unprotected }),
      tagged: true,
    });
  } catch (e) {
    if (e instanceof CoseError) throw new TypeError(`${name}: cannot sign: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Whether an encoder's input is an already signed message rather than content to sign. */
export function isPreSigned(v: unknown): v is PreSigned {
  if (v === null || typeof v !== 'object' || !('sign1' in v) || 'signer' in v) return false;
  const s = (v as { sign1: unknown }).sign1;
  return s !== null && typeof s === 'object' && (s as { bytes?: unknown }).bytes instanceof Uint8Array;
}

/** The bytes of an already signed message, or a TypeError naming the message. */
export function preSignedBytes(v: PreSigned, name: string): Uint8Array {
  if (!isPreSigned(v)) throw new TypeError(`${name}: expected content with a signer, or { sign1: { bytes } }`);
  return v.sign1.bytes;
}

/** An unprotected header value, which FDO always places in the unprotected bucket. */
export function unprotectedHeader(sign1: FdoSign1, label: number, where: string, required: true): unknown;
export function unprotectedHeader(sign1: FdoSign1, label: number, where: string, required: false): unknown | undefined;
export function unprotectedHeader(sign1: FdoSign1, label: number, where: string, required: boolean): unknown | undefined {
  if (sign1.protectedHeaders.has(label)) throw messageBodyError(where, `header ${label} belongs in the unprotected bucket`);
  const v = sign1.unprotectedHeaders.get(label);
  if (v === undefined && required) throw messageBodyError(where, `unprotected header ${label} is missing`);
  return v;
}
