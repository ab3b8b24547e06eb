/**
 * Failure codes of the TO2 key exchange and session encryption. Each maps to the FDO 1.1 §3.8 code
 * a peer is told: MESSAGE_BODY_ERROR when bytes do not have the shape the spec gives them,
 * INVALID_MESSAGE_ERROR when they have it but fail a check (a point off the curve, a MAC that does
 * not verify, a replayed IV). docs/errors-fdo.md explains each one.
 */
import { ErrorCode, type ErrorCodeNumber } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';

export type SessionErrorCode =
  | 'ERR_FDO_KEX_UNSUPPORTED'
  | 'ERR_FDO_KEX_MALFORMED'
  | 'ERR_FDO_KEX_PUBLIC_INVALID'
  | 'ERR_FDO_KEX_DECRYPT'
  | 'ERR_FDO_KEX_OWNER_KEY'
  | 'ERR_FDO_KEX_STATE'
  | 'ERR_FDO_CIPHER_UNSUPPORTED'
  | 'ERR_FDO_SESSION_MALFORMED'
  | 'ERR_FDO_SESSION_IV'
  | 'ERR_FDO_SESSION_ALG'
  | 'ERR_FDO_SESSION_DECRYPT'
  | 'ERR_FDO_SESSION_REPLAY'
  | 'ERR_FDO_SESSION_EXHAUSTED'
  | 'ERR_FDO_SESSION_STATE';

const FDO_CODE: Record<SessionErrorCode, ErrorCodeNumber> = {
  ERR_FDO_KEX_UNSUPPORTED: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_KEX_MALFORMED: ErrorCode.MESSAGE_BODY_ERROR,
  ERR_FDO_KEX_PUBLIC_INVALID: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_KEX_DECRYPT: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_KEX_OWNER_KEY: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_KEX_STATE: ErrorCode.INTERNAL_SERVER_ERROR,
  ERR_FDO_CIPHER_UNSUPPORTED: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_SESSION_MALFORMED: ErrorCode.MESSAGE_BODY_ERROR,
  ERR_FDO_SESSION_IV: ErrorCode.MESSAGE_BODY_ERROR,
  ERR_FDO_SESSION_ALG: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_SESSION_DECRYPT: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_SESSION_REPLAY: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_SESSION_EXHAUSTED: ErrorCode.INTERNAL_SERVER_ERROR,
  ERR_FDO_SESSION_STATE: ErrorCode.INTERNAL_SERVER_ERROR,
};

/** An FdoError with `code` and the spec code that goes with it. */
export function sessionError(code: SessionErrorCode, message: string, cause?: unknown): FdoError {
  return new FdoError(code, FDO_CODE[code], message, cause === undefined ? undefined : { cause });
}
