import { IotopiaError } from '../errors.ts';

/** Stable codes of SUIT failures; docs/errors-suit.md explains each one. */
export type SuitErrorCode =
  | 'ERR_SUIT_CBOR'
  | 'ERR_SUIT_MALFORMED'
  | 'ERR_SUIT_LIMIT'
  | 'ERR_SUIT_UNSUPPORTED'
  | 'ERR_SUIT_UNKNOWN_COMMAND'
  | 'ERR_SUIT_DIGEST_MISMATCH'
  | 'ERR_SUIT_UNAUTHENTICATED'
  | 'ERR_SUIT_AUTH_FAILED'
  | 'ERR_SUIT_SEVERED'
  | 'ERR_SUIT_DESCRIPTION'
  | 'ERR_SUIT_DECRYPT_MALFORMED'
  | 'ERR_SUIT_DECRYPT_UNSUPPORTED'
  | 'ERR_SUIT_DECRYPT_NO_KEY'
  | 'ERR_SUIT_DECRYPT_FAILED'
  | 'ERR_SUIT_REPORT_MALFORMED'
  | 'ERR_SUIT_REPORT_INPUT'
  | 'ERR_SUIT_REPORT_AUTH_FAILED';

/**
 * A SUIT envelope or manifest that is malformed, over a limit or fails authentication. `path` names
 * the element at fault, e.g. `manifest.common.shared-sequence[4]`.
 */
export class SuitError extends IotopiaError {
  declare readonly code: SuitErrorCode;
  readonly path: string;

  constructor(code: SuitErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(code, path === '' ? message : `${path}: ${message}`, options);
    this.path = path;
  }
}
