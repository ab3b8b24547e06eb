/**
 * How the PKCS#11 keystore is reached: the module (the vendor's or SoftHSM2's shared library),
 * the token by its label, the user PIN and the label prefix that marks IoTopia's keys. The PIN is
 * read from the environment or a file, never from a command-line value (which `ps` shows to every
 * user), and never appears in a message.
 */
import { readFileSync } from 'node:fs';
import { KeystoreError } from '../errors.ts';

export interface Pkcs11Config {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** CKA token label (CK_TOKEN_INFO.label, trailing blanks ignored). */
  token: string;
  /** The user PIN. */
  pin: string;
  /** Prefix of the CKA_LABEL of every key IoTopia makes; default "iotopia:". */
  labelPrefix?: string;
}

export const PIN_ENV = 'IOTOPIA_PKCS11_PIN';
export const DEFAULT_LABEL_PREFIX = 'iotopia:';

/** The PIN from IOTOPIA_PKCS11_PIN, else from `pinFile` (first line), else ERR_KEYSTORE_CONFIG. */
export function readPkcs11Pin(env: NodeJS.ProcessEnv, pinFile: string | undefined): string {
  if (pinFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(pinFile, 'utf8');
    } catch (e) {
      throw new KeystoreError('ERR_KEYSTORE_CONFIG', `--pkcs11-pin-file: cannot read ${pinFile} (${(e as NodeJS.ErrnoException).code})`);
    }
    const pin = text.split(/\r?\n/)[0] ?? '';
    if (pin.length === 0) throw new KeystoreError('ERR_KEYSTORE_CONFIG', `--pkcs11-pin-file: ${pinFile} holds no PIN on its first line`);
    return pin;
  }
  const pin = env[PIN_ENV];
  if (pin === undefined || pin.length === 0) {
    throw new KeystoreError('ERR_KEYSTORE_CONFIG', `the PKCS#11 keystore needs the user PIN: set ${PIN_ENV} or give --pkcs11-pin-file`);
  }
  return pin;
}

/** Checks a configuration before any module is loaded; the messages name the setting. */
export function checkPkcs11Config(config: Partial<Pkcs11Config>): asserts config is Pkcs11Config {
  if (typeof config.module !== 'string' || config.module.length === 0)
    throw new KeystoreError('ERR_KEYSTORE_CONFIG', '--pkcs11-module: the path of the PKCS#11 module is required');
  if (typeof config.token !== 'string' || config.token.length === 0 || config.token.length > 32)
    throw new KeystoreError('ERR_KEYSTORE_CONFIG', '--pkcs11-token: the token label (1 to 32 characters) is required');
  if (typeof config.pin !== 'string' || config.pin.length === 0)
    throw new KeystoreError('ERR_KEYSTORE_CONFIG', `the PKCS#11 user PIN is required (${PIN_ENV} or --pkcs11-pin-file)`);
  const prefix = config.labelPrefix ?? DEFAULT_LABEL_PREFIX;
  if (!/^[A-Za-z0-9._:-]{0,32}$/.test(prefix))
    throw new KeystoreError('ERR_KEYSTORE_CONFIG', '--pkcs11-label-prefix: up to 32 characters of A-Z a-z 0-9 . _ : -');
}
