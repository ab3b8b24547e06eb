import { IotopiaError } from '../errors.ts';
import { ErrorCode, type ErrorCodeNumber } from './constants/error-codes.ts';

/**
 * A failure in FDO protocol code. `code` is IoTopia's stable code (documented in
 * docs/errors-fdo.md, for logs, tests and callers); `fdoCode` is the spec error code (§3.8) a peer
 * receives in the error message, and nothing more.
 */
export class FdoError extends IotopiaError {
  readonly fdoCode: ErrorCodeNumber;

  constructor(code: string, fdoCode: ErrorCodeNumber, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.fdoCode = fdoCode;
  }
}

/** The spec code for any error: FdoError's own, INTERNAL_SERVER_ERROR for anything unexpected. */
export function fdoCodeOf(error: unknown): ErrorCodeNumber {
  return error instanceof FdoError ? error.fdoCode : ErrorCode.INTERNAL_SERVER_ERROR;
}
