/**
 * Opens the configured keystore: the software one over the store's keys table, or a PKCS#11
 * token with the PIN from IOTOPIA_PKCS11_PIN or a PIN file.
 */
import type { KeyRepository } from '../store/key-repository.ts';
import type { Keystore } from './keystore.ts';
import { readPkcs11Pin } from './pkcs11/config.ts';
import { openPkcs11Keystore } from './pkcs11/keystore.ts';
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
    };

export function openKeystore(setting: KeystoreSetting, keys: KeyRepository, env: NodeJS.ProcessEnv): Keystore {
  if (setting.backend === 'software') return softwareKeystore(keys);
  return openPkcs11Keystore({
    module: setting.module,
    token: setting.token,
    pin: readPkcs11Pin(env, setting.pinFile),
    ...(setting.labelPrefix === undefined ? {} : { labelPrefix: setting.labelPrefix }),
  });
}
