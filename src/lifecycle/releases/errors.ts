import { IotopiaError } from '../../errors.ts';

/** Why a release or payload operation was refused; each code is documented in docs/errors-lifecycle.md. */
export type ReleaseErrorCode =
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_PAYLOAD_EMPTY'
  | 'ERR_PAYLOAD_DIGEST'
  | 'ERR_PAYLOAD_CORRUPT'
  | 'ERR_PAYLOAD_NOT_FOUND'
  | 'ERR_PAYLOAD_RANGE'
  | 'ERR_PAYLOAD_IN_USE'
  | 'ERR_RELEASE_INPUT'
  | 'ERR_RELEASE_PAYLOAD_UNKNOWN'
  | 'ERR_RELEASE_DUPLICATE'
  | 'ERR_RELEASE_ROLLBACK'
  | 'ERR_RELEASE_ENVELOPE'
  | 'ERR_RELEASE_SIGNATURE'
  | 'ERR_RELEASE_NOT_FOUND'
  | 'ERR_RELEASE_STATE';

export class ReleaseError extends IotopiaError {
  declare readonly code: ReleaseErrorCode;
  constructor(code: ReleaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
