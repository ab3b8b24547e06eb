/**
 * Failure codes of the TO2 role state machines (FDO 1.1 §5.5). Each maps to the §3.8 code the
 * peer is told; docs/errors-fdo.md explains each one. Checks that belong to the voucher (HMAC,
 * entry chain, GUID, manufacturer key) reuse the voucher module's own codes.
 */
import { ErrorCode, type ErrorCodeNumber } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';

export type To2ErrorCode =
  | 'ERR_FDO_TO2_UNKNOWN_GUID'
  | 'ERR_FDO_TO2_NOT_OWNER'
  | 'ERR_FDO_TO2_VOUCHER_CHANGED'
  | 'ERR_FDO_TO2_KEX_MISMATCH'
  | 'ERR_FDO_TO2_DEVICE_KEY'
  | 'ERR_FDO_TO2_ENTRY_NUMBER'
  | 'ERR_FDO_TO2_NONCE'
  | 'ERR_FDO_TO2_HELLO_HASH'
  | 'ERR_FDO_TO2_SIGNATURE'
  | 'ERR_FDO_TO2_GUID'
  | 'ERR_FDO_TO2_REUSE_REFUSED'
  | 'ERR_FDO_TO2_REUSE_MISMATCH'
  | 'ERR_FDO_TO2_KEY_UNAVAILABLE'
  | 'ERR_FDO_TO2_STATE';

const FDO_CODE: Record<To2ErrorCode, ErrorCodeNumber> = {
  ERR_FDO_TO2_UNKNOWN_GUID: ErrorCode.RESOURCE_NOT_FOUND,
  ERR_FDO_TO2_NOT_OWNER: ErrorCode.INVALID_OWNERSHIP_VOUCHER,
  ERR_FDO_TO2_VOUCHER_CHANGED: ErrorCode.INTERNAL_SERVER_ERROR,
  ERR_FDO_TO2_KEX_MISMATCH: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_DEVICE_KEY: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_ENTRY_NUMBER: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_NONCE: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_HELLO_HASH: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_SIGNATURE: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_GUID: ErrorCode.INVALID_MESSAGE_ERROR,
  ERR_FDO_TO2_REUSE_REFUSED: ErrorCode.CRED_REUSE_ERROR,
  ERR_FDO_TO2_REUSE_MISMATCH: ErrorCode.CRED_REUSE_ERROR,
  ERR_FDO_TO2_KEY_UNAVAILABLE: ErrorCode.INTERNAL_SERVER_ERROR,
  ERR_FDO_TO2_STATE: ErrorCode.INTERNAL_SERVER_ERROR,
};

export function to2Error(code: To2ErrorCode, message: string, cause?: unknown): FdoError {
  return new FdoError(code, FDO_CODE[code], message, cause === undefined ? undefined : { cause });
}
