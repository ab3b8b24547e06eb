/**
 * The error message, Type 255 (FDO 1.1 §3.8):
 * `[EMErrorCode: uint16, EMPrevMsgID: uint8, EMErrorStr: tstr, EMErrorTs: timestamp, EMErrorCID: correlationId]`.
 * It ends the protocol. A peer learns the spec code and a generic text, never IoTopia's internals.
 */
import { Tag } from '../../codec/cbor.ts';
import { ErrorCode, type ErrorCodeNumber } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { fdoCodeOf } from '../errors.ts';
import { asText, asUint, messageBodyError } from '../types/read.ts';
import { encodeChecked, readBodyArray } from './body.ts';
import { MAX_ERROR_TEXT_BYTES, type MessageLimits } from './limits.ts';

export interface ErrorMessage {
  /** EMErrorCode: a §3.8 code; a peer may send codes IoTopia does not know. */
  code: number;
  /** EMPrevMsgID: the type of the message being answered (0 when there was none). */
  prevMsgType: number;
  /** EMErrorStr: for logs only. */
  message: string;
  /** EMErrorTs: seconds since the epoch, or UTC text (the tag-0 form); absent when null. */
  timestamp?: number | string;
  /** EMErrorCID: absent when null. */
  correlationId?: number | bigint;
}

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Writes the error message. A numeric timestamp is written as a bare unsigned integer, the form
 * go-fdo and the Java reference implementation send and read; text is written as tag 0.
 */
export function encodeErrorMessage(msg: ErrorMessage): Uint8Array {
  const ts = msg.timestamp === undefined ? null : typeof msg.timestamp === 'string' ? new Tag(msg.timestamp, 0) : msg.timestamp;
  return encodeChecked([msg.code, msg.prevMsgType, msg.message, ts, msg.correlationId ?? null], 'Error', decodeErrorMessage);
}

export function decodeErrorMessage(bytes: Uint8Array, limits?: MessageLimits): ErrorMessage {
  const n = 'ErrorMessage';
  const [code, prev, text, ts, cid] = readBodyArray(bytes, MsgType.Error, n, 5, limits);
  const out: ErrorMessage = {
    code: asUint(code, `${n}.EMErrorCode`, 0xffff),
    prevMsgType: asUint(prev, `${n}.EMPrevMsgID`, 0xff),
    message: asText(text, `${n}.EMErrorStr`, MAX_ERROR_TEXT_BYTES),
  };
  const timestamp = readTimestamp(ts, `${n}.EMErrorTs`);
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (cid !== null) out.correlationId = readUint64(cid, `${n}.EMErrorCID`);
  return out;
}

/** timestamp = null / UTCStr (#6.0(tstr)) / UTCInt or TIME_T (#6.1(uint)); a bare uint is accepted as peers send it. */
function readTimestamp(v: unknown, where: string): number | string | undefined {
  if (v === null) return undefined;
  if (v instanceof Tag && v.tag === 0) return asText(v.value, where, 64);
  if (v instanceof Tag && v.tag === 1) return asUint(v.value, where);
  if (typeof v === 'number') return asUint(v, where);
  throw messageBodyError(where, 'expected null, a tag-0 text, a tag-1 or a bare unsigned integer');
}

function readUint64(v: unknown, where: string): number | bigint {
  if (typeof v === 'bigint' && v >= 0n && v <= UINT64_MAX) return v;
  return asUint(v, where);
}

/** The text sent with each spec code: it says what kind of failure, nothing about why. */
const GENERIC_TEXT: Readonly<Record<number, string>> = {
  [ErrorCode.INVALID_JWT_TOKEN]: 'invalid token',
  [ErrorCode.INVALID_OWNERSHIP_VOUCHER]: 'invalid ownership voucher',
  [ErrorCode.INVALID_OWNER_SIGN_BODY]: 'invalid owner signature',
  [ErrorCode.INVALID_IP_ADDRESS]: 'invalid IP address',
  [ErrorCode.INVALID_GUID]: 'invalid GUID',
  [ErrorCode.RESOURCE_NOT_FOUND]: 'resource not found',
  [ErrorCode.MESSAGE_BODY_ERROR]: 'message body error',
  [ErrorCode.INVALID_MESSAGE_ERROR]: 'invalid message',
  [ErrorCode.CRED_REUSE_ERROR]: 'credential reuse rejected',
  [ErrorCode.INTERNAL_SERVER_ERROR]: 'internal error',
};

export interface ErrorMessageOptions {
  /** Seconds since the epoch; the protocol code is pure, so the caller supplies the clock. */
  timestamp?: number;
  correlationId?: number | bigint;
}

/**
 * The error message a peer may see for any thrown value: the FdoError's spec code (anything else is
 * INTERNAL_SERVER_ERROR) with that code's generic text. The error's own message stays in the log.
 */
export function errorMessageFor(error: unknown, prevMsgType: number, options: ErrorMessageOptions = {}): ErrorMessage {
  if (!Number.isInteger(prevMsgType) || prevMsgType < 0 || prevMsgType > 0xff) throw new TypeError('prevMsgType must be a uint8');
  const code: ErrorCodeNumber = fdoCodeOf(error);
  const msg: ErrorMessage = { code, prevMsgType, message: GENERIC_TEXT[code] ?? 'error' };
  if (options.timestamp !== undefined) msg.timestamp = options.timestamp;
  if (options.correlationId !== undefined) msg.correlationId = options.correlationId;
  return msg;
}
