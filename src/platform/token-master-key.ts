/**
 * The master key sealed by the PKCS#11 token (`--master-key-store pkcs11`): a random 256-bit KEK,
 * kept in the data directory only as `master.key.sealed`, AES-GCM-sealed by an AES key that was
 * made in the token and never leaves it. A copy of the data directory (database, backups, the
 * sealed file) opens nowhere without the token and its PIN. The KEK itself is in process memory
 * while the server runs, as the store needs it to seal and open columns.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeystoreError } from '../keystore/errors.ts';
import type { Pkcs11Keystore } from '../keystore/pkcs11/keystore.ts';
import { ConfigError } from './errors.ts';
import { MASTER_KEY_ENV, MASTER_KEY_FILE, type MasterKey, type MasterKeySource } from './master-key.ts';
import { PRIVATE_FILE_MODE, privateDir } from './private-files.ts';

export const SEALED_MASTER_KEY_FILE = 'master.key.sealed';
/** The name of the AES sealing key in the token (under the keystore's label prefix). */
export const MASTER_SEALING_KEY = 'master-key-seal';

export function tokenMasterKey(keystore: Pkcs11Keystore): MasterKeySource {
  return (dataDir, env) => {
    if (env[MASTER_KEY_ENV] !== undefined)
      throw new ConfigError(`--master-key-store pkcs11: ${MASTER_KEY_ENV} is set too; give the master key one source`);
    const plain = join(dataDir, MASTER_KEY_FILE);
    if (existsSync(plain)) {
      throw new ConfigError(
        `--master-key-store pkcs11: ${plain} exists, so this data directory's master key is a file; start without --master-key-store, or use a new data directory`,
      );
    }
    const tightened = [privateDir(dataDir)].filter((t) => t !== undefined);
    const file = join(dataDir, SEALED_MASTER_KEY_FILE);
    let sealed: Uint8Array | undefined;
    try {
      sealed = new Uint8Array(readFileSync(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (sealed !== undefined) return { ...opened(keystore, sealed, file), tightened };
    const key = new Uint8Array(randomBytes(32));
    const box = keystore.sealingKey(MASTER_SEALING_KEY, true) as NonNullable<ReturnType<Pkcs11Keystore['sealingKey']>>;
    try {
      writeFileSync(file, box.seal(key), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return tokenMasterKey(keystore)(dataDir, {});
      throw e;
    }
    return { key: createSecretKey(key), created: true, source: `${file} (sealed by the PKCS#11 token)`, tightened };
  };
}

function opened(keystore: Pkcs11Keystore, sealed: Uint8Array, file: string): Omit<MasterKey, 'tightened'> {
  const box = keystore.sealingKey(MASTER_SEALING_KEY, false);
  if (box === undefined)
    throw new KeystoreError('ERR_KEYSTORE_KEY_NOT_FOUND', `${file}: the key that sealed it is not in the configured token`);
  const key = box.open(sealed);
  if (key.length !== 32) throw new KeystoreError('ERR_KEYSTORE_PKCS11', `${file}: does not hold a 32-byte master key`);
  return { key: createSecretKey(key), created: false, source: `${file} (sealed by the PKCS#11 token)` };
}
