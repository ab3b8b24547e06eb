/** COSE failures while opening a session message, as session errors; internal. */
import { CoseError } from '../../../codec/cose/errors.ts';
import { sessionError } from '../errors.ts';

/** Rethrows a COSE failure as the matching session error; anything else unchanged. */
export function rethrowCose(cause: unknown, suiteName: string): never {
  if (!(cause instanceof CoseError)) throw cause;
  switch (cause.code) {
    case 'ERR_COSE_DECRYPT_FAILED':
    case 'ERR_COSE_MAC_INVALID':
      throw sessionError('ERR_FDO_SESSION_DECRYPT', 'message does not authenticate under the session keys', cause);
    case 'ERR_COSE_TAG':
    case 'ERR_COSE_ALG_NOT_ALLOWED':
    case 'ERR_COSE_UNSUPPORTED_ALG':
      throw sessionError('ERR_FDO_SESSION_ALG', `message is not protected as ${suiteName} requires: ${cause.message}`, cause);
    default:
      throw sessionError('ERR_FDO_SESSION_MALFORMED', `message is not a well-formed ${suiteName} message: ${cause.message}`, cause);
  }
}
