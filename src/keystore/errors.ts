import { IotopiaError } from '../errors.ts';

/** Stable codes of keystore failures (docs/errors-keystore.md). */
export type KeystoreErrorCode =
  | 'ERR_KEYSTORE_CONFIG'
  | 'ERR_KEYSTORE_MODULE'
  | 'ERR_KEYSTORE_TOKEN_NOT_FOUND'
  | 'ERR_KEYSTORE_LOGIN'
  | 'ERR_KEYSTORE_KEY_NOT_FOUND'
  | 'ERR_KEYSTORE_KEY_EXISTS'
  | 'ERR_KEYSTORE_UNSUPPORTED'
  | 'ERR_KEYSTORE_CLOSED'
  | 'ERR_KEYSTORE_PKCS11';

/**
 * A keystore failure: bad configuration, a token that cannot be reached or refuses an operation,
 * an unknown or taken key name. Messages name the setting or key, never a PIN or key material.
 */
export class KeystoreError extends IotopiaError {
  declare readonly code: KeystoreErrorCode;

  constructor(code: KeystoreErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
