/**
 * The keystore settings of `iotopia up` (--keystore, --pkcs11-*): which backend holds the
 * server's private keys. The PIN is not a setting: it comes from IOTOPIA_PKCS11_PIN or the file
 * --pkcs11-pin-file names, so it never sits in a config file or a command line.
 */
import type { KeystoreSetting } from '../../keystore/open-keystore.ts';
import { ConfigError } from '../../platform/errors.ts';

export interface KeystoreRawSettings {
  keystore?: string | undefined;
  pkcs11Module?: string | undefined;
  pkcs11Token?: string | undefined;
  pkcs11PinFile?: string | undefined;
  pkcs11LabelPrefix?: string | undefined;
  masterKeyStore?: string | undefined;
}

export const KEYSTORE_ENV: Readonly<Record<keyof KeystoreRawSettings, string>> = {
  keystore: 'IOTOPIA_KEYSTORE',
  pkcs11Module: 'IOTOPIA_PKCS11_MODULE',
  pkcs11Token: 'IOTOPIA_PKCS11_TOKEN',
  pkcs11PinFile: 'IOTOPIA_PKCS11_PIN_FILE',
  pkcs11LabelPrefix: 'IOTOPIA_PKCS11_LABEL_PREFIX',
  masterKeyStore: 'IOTOPIA_MASTER_KEY_STORE',
};

/** The keystore settings gathered over the sources (later wins), before they are checked together. */
export type KeystoreDraft = KeystoreRawSettings;

export function mergeKeystoreSettings(draft: KeystoreDraft, s: KeystoreRawSettings, source: string): void {
  if (s.keystore !== undefined && s.keystore !== 'software' && s.keystore !== 'pkcs11')
    throw new ConfigError(`keystore (from ${source}): "${s.keystore}" is not one of software, pkcs11`);
  if (s.masterKeyStore !== undefined && s.masterKeyStore !== 'file' && s.masterKeyStore !== 'pkcs11')
    throw new ConfigError(`master-key-store (from ${source}): "${s.masterKeyStore}" is not one of file, pkcs11`);
  for (const k of Object.keys(KEYSTORE_ENV) as (keyof KeystoreRawSettings)[]) if (s[k] !== undefined) draft[k] = s[k];
}

/** The checked setting: pkcs11 needs a module and a token; the --pkcs11-* options need --keystore pkcs11. */
export function keystoreSetting(draft: KeystoreDraft): KeystoreSetting {
  if (draft.keystore !== 'pkcs11') {
    const stray = (['pkcs11Module', 'pkcs11Token', 'pkcs11PinFile', 'pkcs11LabelPrefix'] as const).find((k) => draft[k] !== undefined);
    if (draft.masterKeyStore === 'pkcs11')
      throw new ConfigError('--master-key-store pkcs11: needs --keystore pkcs11 (the token that seals it)');
    if (stray !== undefined) throw new ConfigError(`${flag(stray)}: only with --keystore pkcs11`);
    return { backend: 'software' };
  }
  if (draft.pkcs11Module === undefined) throw new ConfigError('--pkcs11-module: --keystore pkcs11 needs the path of the PKCS#11 module');
  if (draft.pkcs11Token === undefined) throw new ConfigError('--pkcs11-token: --keystore pkcs11 needs the label of the token');
  return {
    backend: 'pkcs11',
    module: draft.pkcs11Module,
    token: draft.pkcs11Token,
    ...(draft.pkcs11PinFile === undefined ? {} : { pinFile: draft.pkcs11PinFile }),
    ...(draft.pkcs11LabelPrefix === undefined ? {} : { labelPrefix: draft.pkcs11LabelPrefix }),
    ...(draft.masterKeyStore === 'pkcs11' ? { sealMasterKey: true } : {}),
  };
}

const FLAGS: Record<keyof KeystoreRawSettings, string> = {
  keystore: '--keystore',
  pkcs11Module: '--pkcs11-module',
  pkcs11Token: '--pkcs11-token',
  pkcs11PinFile: '--pkcs11-pin-file',
  pkcs11LabelPrefix: '--pkcs11-label-prefix',
  masterKeyStore: '--master-key-store',
};

const flag = (k: keyof KeystoreRawSettings): string => FLAGS[k];
