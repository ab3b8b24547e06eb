import { KeystoreError } from '../errors.ts';

/**
 * A token failure as ERR_KEYSTORE_PKCS11 naming the function and the CKR_ value. pkcs11js puts
 * the CKR_ name first in its message; nothing else of it is kept, so no input leaks into logs.
 */
export function tokenError(fn: string, cause: unknown): KeystoreError {
  if (cause instanceof KeystoreError) return cause;
  const ckr = /^(CKR_[A-Z0-9_]+)/.exec((cause as Error)?.message ?? '')?.[1] ?? 'an error';
  return new KeystoreError('ERR_KEYSTORE_PKCS11', `PKCS#11 ${fn} failed with ${ckr}`);
}
