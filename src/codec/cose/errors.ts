import { IotopiaError } from '../../errors.ts';

/** Stable codes of COSE failures; docs/errors-cose.md explains each one. */
export type CoseErrorCode =
  | 'ERR_COSE_MALFORMED'
  | 'ERR_COSE_UNSUPPORTED_ALG'
  | 'ERR_COSE_ALG_NOT_ALLOWED'
  | 'ERR_COSE_SIGNATURE_INVALID'
  | 'ERR_COSE_MAC_INVALID'
  | 'ERR_COSE_DECRYPT_FAILED'
  | 'ERR_COSE_KEY_INVALID'
  | 'ERR_COSE_KEY_MISMATCH'
  | 'ERR_COSE_CRIT'
  | 'ERR_COSE_HEADER'
  | 'ERR_COSE_TAG'
  | 'ERR_COSE_DETACHED';

/** Bad or hostile COSE input, or a key that cannot serve the requested algorithm. */
export class CoseError extends IotopiaError {
  declare readonly code: CoseErrorCode;

  constructor(code: CoseErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
