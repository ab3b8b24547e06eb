/** The FdoErrors of the ServiceInfo layer, so every site uses the same code and spec code. */
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';

const bodyError = (code: string) => (message: string, cause?: unknown) =>
  new FdoError(code, ErrorCode.MESSAGE_BODY_ERROR, message, cause === undefined ? undefined : { cause });

/** The message is not the CDDL shape, or a value is not well-formed CBOR. */
export const malformed = bodyError('ERR_FDO_SVI_MALFORMED');
/** A count or size limit was exceeded. */
export const overLimit = bodyError('ERR_FDO_SVI_LIMIT');
/** A ServiceInfoKey is not `module:message`. */
export const badKey = bodyError('ERR_FDO_SVI_KEY');
/** A module message's value has the wrong type or is out of range. */
export const badValue = bodyError('ERR_FDO_SVI_VALUE');
/** IsMoreServiceInfo / IsDone used against the turn-taking rules. */
export const outOfSequence = bodyError('ERR_FDO_SVI_SEQUENCE');
/** devmod absent, not first, or missing a required message. */
export const devmodMissing = bodyError('ERR_FDO_DEVMOD_MISSING');
/** devmod present but a value is wrong (type, module list). */
export const devmodInvalid = bodyError('ERR_FDO_DEVMOD_INVALID');

export function stalled(message: string): FdoError {
  return new FdoError('ERR_FDO_SVI_STALLED', ErrorCode.INTERNAL_SERVER_ERROR, message);
}

export function moduleFailed(message: string, cause?: unknown): FdoError {
  return new FdoError('ERR_FDO_MODULE_FAILED', ErrorCode.INTERNAL_SERVER_ERROR, message, cause === undefined ? undefined : { cause });
}

export function commandFailed(message: string): FdoError {
  return new FdoError('ERR_FDO_COMMAND_FAILED', ErrorCode.INTERNAL_SERVER_ERROR, message);
}

export function badMaxSize(message: string): FdoError {
  return new FdoError('ERR_FDO_SVI_MAX_SIZE', ErrorCode.MESSAGE_BODY_ERROR, message);
}
