/**
 * What every message decoder and encoder shares: the size check before any CBOR is read, the body
 * array with its exact length, and the self-check that an encoder never emits a body IoTopia's
 * own decoder would refuse.
 */
import { concat } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import type { MsgTypeNumber } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import { asArray, decodeFdoCbor } from '../types/read.ts';
import { MESSAGE_MAX_BYTES, type MessageLimits } from './limits.ts';

/** The largest body this call accepts: the override when given, else the message's default. */
export function maxBytesOf(type: MsgTypeNumber, limits: MessageLimits | undefined): number {
  const max = limits?.maxBytes ?? MESSAGE_MAX_BYTES[type];
  if (!Number.isSafeInteger(max) || max <= 0) throw new TypeError('limits.maxBytes must be a positive integer');
  return max;
}

/**
 * Decodes one message body after checking its size. Strings may be as long as the body itself;
 * each field's own bound is checked by the message's reader.
 */
export function readBody(bytes: Uint8Array, type: MsgTypeNumber, name: string, limits?: MessageLimits): unknown {
  const maxBytes = checkBodySize(bytes, type, name, limits);
  return decodeFdoCbor(bytes, name, { maxBytes, maxStringBytes: maxBytes });
}

/** Refuses a body over its cap (ERR_FDO_MESSAGE_TOO_LARGE) and returns the cap. */
export function checkBodySize(bytes: Uint8Array, type: MsgTypeNumber, name: string, limits?: MessageLimits): number {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name}: the body must be a Uint8Array`);
  const maxBytes = maxBytesOf(type, limits);
  if (bytes.length > maxBytes) {
    throw new FdoError(
      'ERR_FDO_MESSAGE_TOO_LARGE',
      ErrorCode.MESSAGE_BODY_ERROR,
      `${name}: body of ${bytes.length} bytes exceeds ${maxBytes}`,
    );
  }
  return maxBytes;
}

/** A body that is an array of exactly `length` elements (or `[min, max]` with optional ones). */
export function readBodyArray(
  bytes: Uint8Array,
  type: MsgTypeNumber,
  name: string,
  length: number | readonly [number, number],
  limits?: MessageLimits,
): unknown[] {
  return asArray(readBody(bytes, type, name, limits), length, name);
}

/**
 * Encodes `value` and decodes the result with the message's own strict decoder, so that a caller's
 * wrong input surfaces here as a TypeError instead of as a peer's error message later.
 */
export function encodeChecked(value: unknown, name: string, check: (bytes: Uint8Array) => unknown): Uint8Array {
  const bytes = encode(value);
  return checked(bytes, name, check);
}

/** Runs the decoder over bytes IoTopia is about to send; a refusal is the caller's mistake. */
export function checked(bytes: Uint8Array, name: string, check: (bytes: Uint8Array) => unknown): Uint8Array {
  try {
    check(bytes);
  } catch (e) {
    if (e instanceof FdoError) throw new TypeError(`${name}: not a valid message: ${e.message}`, { cause: e });
    throw e;
  }
  return bytes;
}

/**
 * A CBOR array of items that are already encoded: signed and hashed parts (a voucher, a COSE_Sign1)
 * are spliced in byte for byte instead of being decoded and written again.
 */
export function encodeRawArray(elements: readonly Uint8Array[]): Uint8Array {
  if (elements.length >= 24) throw new TypeError('encodeRawArray: FDO message bodies have fewer than 24 elements');
  return concat([Uint8Array.of(0x80 | elements.length), ...elements]);
}
