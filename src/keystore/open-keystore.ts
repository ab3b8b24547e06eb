/**
 * Opens the configured keystore: the software one over the store's keys table, or a PKCS#11
 * token with the PIN from IOTOPIA_PKCS11_PIN or a PIN file.
 */
import type { KeyRepository } from '../store/key-repository.ts';
import type { Keystore } from './keystore.ts';
import { readPkcs11Pin } from './pkcs11/config.ts';
import { openPkcs11Keystore, type Pkcs11Keystore } from './pkcs11/keystore.ts';
import { softwareKeystore } from './software.ts';

export type KeystoreSetting =
  | { backend: 'software' }
  | {
      backend: 'pkcs11';
      /** Path of the PKCS#11 module. */
      module: string;
      /** Label of the token. */
      token: string;
      /** A file whose first line is the user PIN; IOTOPIA_PKCS11_PIN otherwise. */
      pinFile?: string;
      /** CKA_LABEL prefix of IoTopia's keys (default "iotopia:"). */
      labelPrefix?: string;
      /** The store's master key is sealed by an AES key in this token (--master-key-store pkcs11). */
      sealMasterKey?: boolean;
    };

/** The PKCS#11 keystore a setting names (the software one needs the store: openKeystore). */
export function openTokenKeystore(setting: Extract<KeystoreSetting, { backend: 'pkcs11' }>, env: NodeJS.ProcessEnv): Pkcs11Keystore {
  return openPkcs11Keystore({
    module: setting.module,
    token: setting.token,
    pin: readPkcs11Pin(env, setting.pinFile),
    ...(setting.labelPrefix === undefined ? {} : { labelPrefix: setting.labelPrefix }),
  });
}

export function openKeystore(setting: KeystoreSetting, keys: KeyRepository, env: NodeJS.ProcessEnv): Keystore {
  return setting.backend === 'software' ? softwareKeystore(keys) : openTokenKeystore(setting, env);
}
