/**
 * TO0, the owner registering with the rendezvous server (FDO 1.1 §5.3): TO0.Hello (Type 20),
 * TO0.HelloAck (21), TO0.OwnerSign (22) with to0d and the signed to1d blob, TO0.AcceptOwner (23).
 * The to1d blob is also the body of TO1.RVRedirect, so its reader lives here.
 */
import { encode } from '../../codec/cbor.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import { encodeHash, type FdoHash, parseHash } from '../types/hash.ts';
import { type Nonce, parseNonce } from '../types/nonce.ts';
import { asArray, asBstr, asUint, decodeFdoCbor, rawArrayElements } from '../types/read.ts';
import { encodeRvTo2Addr, parseRvTo2Addr, type RvTo2Addr } from '../types/rv-to2-addr.ts';
import { checked, encodeChecked, encodeRawArray, maxBytesOf, readBody, readBodyArray } from './body.ts';
import { checkVoucherShape, digestTypes } from './common.ts';
import { MAX_VOUCHER_BYTES, MESSAGE_MAX_BYTES, type MessageLimits } from './limits.ts';
import { type FdoSign1, isPreSigned, type MessageSigner, type PreSigned, preSignedBytes, readSign1, signMessage } from './signed.ts';

const UINT32_MAX = 0xffff_ffff;

/** TO0.Hello (§5.3, Type 20): an empty array. */
export type TO0Hello = Record<string, never>;

export function encodeTO0Hello(_msg: TO0Hello = {}): Uint8Array {
  return encodeChecked([], 'TO0.Hello', decodeTO0Hello);
}

export function decodeTO0Hello(bytes: Uint8Array, limits?: MessageLimits): TO0Hello {
  readBodyArray(bytes, MsgType.TO0_Hello, 'TO0.Hello', 0, limits);
  return {};
}

/** TO0.HelloAck (§5.3, Type 21): `[NonceTO0Sign]`. */
export interface TO0HelloAck {
  nonceTO0Sign: Nonce;
}

export function encodeTO0HelloAck(msg: TO0HelloAck): Uint8Array {
  return encodeChecked([msg.nonceTO0Sign], 'TO0.HelloAck', decodeTO0HelloAck);
}

export function decodeTO0HelloAck(bytes: Uint8Array, limits?: MessageLimits): TO0HelloAck {
  const [n] = readBodyArray(bytes, MsgType.TO0_HelloAck, 'TO0.HelloAck', 1, limits);
  return { nonceTO0Sign: parseNonce(n, 'TO0.HelloAck.NonceTO0Sign') };
}

/** to0d (§5.3, in TO0.OwnerSign): `[OwnershipVoucher, WaitSeconds: uint32, NonceTO0Sign]`. */
export interface To0d {
  /** The voucher's CBOR bytes, exactly as carried. */
  voucher: Uint8Array;
  waitSeconds: number;
  nonceTO0Sign: Nonce;
}

/** A decoded to0d with the bytes that to1dTo0dHash covers. */
export interface DecodedTo0d extends To0d {
  bytes: Uint8Array;
}

/** The to0d bytes to hash into to1d and to carry in TO0.OwnerSign; the voucher goes in unchanged. */
export function encodeTo0d(to0d: To0d): Uint8Array {
  if (!(to0d?.voucher instanceof Uint8Array)) throw new TypeError('to0d: voucher must be the voucher CBOR bytes');
  const bytes = encodeRawArray([to0d.voucher, encode(to0d.waitSeconds), encode(to0d.nonceTO0Sign)]);
  return checked(bytes, 'to0d', (b) => decodeTo0d(b));
}

export function decodeTo0d(bytes: Uint8Array, where = 'to0d'): DecodedTo0d {
  const maxBytes = MAX_VOUCHER_BYTES + 64;
  const [voucher, wait, nonce] = asArray(decodeFdoCbor(bytes, where, { maxBytes, maxStringBytes: maxBytes }), 3, where);
  checkVoucherShape(voucher, `${where}.OwnershipVoucher`);
  const raw = rawArrayElements(bytes, where, { maxBytes, maxStringBytes: maxBytes });
  return {
    voucher: raw[0] as Uint8Array,
    waitSeconds: asUint(wait, `${where}.WaitSeconds`, UINT32_MAX),
    nonceTO0Sign: parseNonce(nonce, `${where}.NonceTO0Sign`),
    bytes,
  };
}

/** to1dBlobPayload (§5.3, in TO0.OwnerSign): `[to1dRV: RVTO2Addr, to1dTo0dHash: Hash]`. */
export interface To1dPayload {
  rvTo2Addr: RvTo2Addr;
  to0dHash: FdoHash;
}

/** The signed to1d blob, structurally checked; the owner key in the voucher verifies `sign1`. */
export interface To1d {
  payload: To1dPayload;
  sign1: FdoSign1;
}

/** Signs a to1d blob with the owner key; the result goes in TO0.OwnerSign and, later, TO1.RVRedirect. */
export function signTo1d(payload: To1dPayload, signer: MessageSigner): Uint8Array {
  const body = encode([encodeRvTo2Addr(payload.rvTo2Addr), encodeHash(payload.to0dHash)]);
  return checked(signMessage(body, signer, undefined, 'to1d'), 'to1d', (b) => decodeTo1d(b));
}

/**
 * Reads a to1d blob. `ipCode` is the spec code for an RVIP that is no IP address: TO0.OwnerSign
 * answers it with INVALID_IP_ADDRESS, elsewhere it is a plain body error.
 */
export function decodeTo1d(
  bytes: Uint8Array,
  where = 'to1d',
  maxBytes = MESSAGE_MAX_BYTES[MsgType.TO1_RVRedirect],
  ipCode: 'invalid-ip' | 'body' = 'body',
): To1d {
  const sign1 = readSign1(bytes, where, maxBytes);
  const w = `${where}.to1dBlobPayload`;
  const [rv, hash] = asArray(decodeFdoCbor(sign1.payload, w, { maxBytes: sign1.payload.length }), 2, w);
  if (ipCode === 'invalid-ip') checkRvIps(rv, `${w}.to1dRV`);
  return { payload: { rvTo2Addr: parseRvTo2Addr(rv, `${w}.to1dRV`), to0dHash: parseHash(hash, `${w}.to1dTo0dHash`, digestTypes) }, sign1 };
}

function checkRvIps(rv: unknown, where: string): void {
  if (!Array.isArray(rv)) return;
  rv.forEach((e, i) => {
    const ip: unknown = Array.isArray(e) ? e[0] : null;
    if (ip !== null && !(ip instanceof Uint8Array && (ip.length === 4 || ip.length === 16))) {
      throw new FdoError('ERR_FDO_INVALID_IP_ADDRESS', ErrorCode.INVALID_IP_ADDRESS, `${where}[${i}].RVIP: not a 4- or 16-byte IP address`);
    }
  });
}

/** TO0.OwnerSign (§5.3, Type 22): `[to0d: bstr .cbor to0d, to1d: CoseSignature]`. */
export interface TO0OwnerSign {
  /** The to0d; when `bytes` is given those exact bytes are sent (they are what to1d's hash covers). */
  to0d: To0d & { bytes?: Uint8Array };
  /** The signed to1d blob, e.g. from `signTo1d`. */
  to1d: PreSigned;
}

export interface DecodedTO0OwnerSign {
  to0d: DecodedTo0d;
  to1d: To1d;
}

export function encodeTO0OwnerSign(msg: TO0OwnerSign): Uint8Array {
  const to0d = msg.to0d.bytes instanceof Uint8Array ? msg.to0d.bytes : encodeTo0d(msg.to0d);
  if (!isPreSigned(msg.to1d)) throw new TypeError('TO0.OwnerSign: to1d must be { sign1: { bytes } } (see signTo1d)');
  const bytes = encodeRawArray([encode(to0d), preSignedBytes(msg.to1d, 'TO0.OwnerSign.to1d')]);
  return checked(bytes, 'TO0.OwnerSign', (b) => decodeTO0OwnerSign(b));
}

export function decodeTO0OwnerSign(bytes: Uint8Array, limits?: MessageLimits): DecodedTO0OwnerSign {
  const name = 'TO0.OwnerSign';
  const [to0d] = asArray(readBody(bytes, MsgType.TO0_OwnerSign, name, limits), 2, name);
  const maxBytes = maxBytesOf(MsgType.TO0_OwnerSign, limits);
  const raw = rawArrayElements(bytes, name, { maxBytes, maxStringBytes: maxBytes });
  const to0dBytes = asBstr(to0d, `${name}.to0d`, { min: 1, max: MAX_VOUCHER_BYTES + 64 });
  return {
    to0d: decodeTo0d(to0dBytes, `${name}.to0d`),
    to1d: decodeTo1d(raw[1] as Uint8Array, `${name}.to1d`, MESSAGE_MAX_BYTES[MsgType.TO1_RVRedirect], 'invalid-ip'),
  };
}

/** TO0.AcceptOwner (§5.3, Type 23): `[WaitSeconds]`, how long the rendezvous server keeps the blob. */
export interface TO0AcceptOwner {
  waitSeconds: number;
}

export function encodeTO0AcceptOwner(msg: TO0AcceptOwner): Uint8Array {
  return encodeChecked([msg.waitSeconds], 'TO0.AcceptOwner', decodeTO0AcceptOwner);
}

export function decodeTO0AcceptOwner(bytes: Uint8Array, limits?: MessageLimits): TO0AcceptOwner {
  const [w] = readBodyArray(bytes, MsgType.TO0_AcceptOwner, 'TO0.AcceptOwner', 1, limits);
  return { waitSeconds: asUint(w, 'TO0.AcceptOwner.WaitSeconds', UINT32_MAX) };
}
