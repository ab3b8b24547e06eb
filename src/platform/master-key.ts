/**
 * The key-encryption key that seals secret columns (private keys, session secrets, secret
 * settings) in the store. Where it comes from, first match wins:
 * - the environment: IOTOPIA_MASTER_KEY, 64 hex digits (replicas sharing one PostgreSQL database
 *   must all have the same key; a secret manager or the service manager puts it there);
 * - the file `master.key` in the data directory (0600, in the 0700 directory), made on first start.
 * With --master-key-store pkcs11 the key is sealed by the PKCS #11 token instead
 * (token-master-key.ts, a third `MasterKeySource`). The key is never logged.
 */
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.ts';
import { PRIVATE_FILE_MODE, privateDir, type TightenedMode, tightenMode } from './private-files.ts';

export const MASTER_KEY_FILE = 'master.key';
export const MASTER_KEY_ENV = 'IOTOPIA_MASTER_KEY';

export interface MasterKey {
  /** The 32-byte key as a secret KeyObject (createSecretKey), so AES-GCM never takes raw key bytes. */
  key: KeyObject;
  /** true when the key file was made now. */
  created: boolean;
  /** Where the key came from: IOTOPIA_MASTER_KEY or the file's path. */
  source: string;
  /** The data directory or key file whose mode was tightened (to 0700, 0600) while loading. */
  tightened: TightenedMode[];
}

/** One place a master key can come from; undefined when this source has none configured. */
export type MasterKeySource = (dataDir: string, env: NodeJS.ProcessEnv) => MasterKey | undefined;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** IOTOPIA_MASTER_KEY, when set. */
export const environmentMasterKey: MasterKeySource = (_dataDir, env) => {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv === undefined) return undefined;
  if (!HEX_KEY.test(fromEnv)) throw new ConfigError(`${MASTER_KEY_ENV}: 64 hex digits (32 bytes)`);
  return { key: createSecretKey(Buffer.from(fromEnv, 'hex')), created: false, source: MASTER_KEY_ENV, tightened: [] };
};

/** <dataDir>/master.key, made on first use; the directory 0700 and the file 0600. */
export const fileMasterKey: MasterKeySource = (dataDir) => {
  const file = join(dataDir, MASTER_KEY_FILE);
  const tightened = [privateDir(dataDir)].filter((t) => t !== undefined);
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!HEX_KEY.test(text)) throw new ConfigError(`${file}: not 64 hex digits`);
    const t = tightenMode(file, PRIVATE_FILE_MODE);
    return {
      key: createSecretKey(Buffer.from(text, 'hex')),
      created: false,
      source: file,
      tightened: t === undefined ? tightened : [...tightened, t],
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // A directory whose master key is sealed by a token must not get a second, unrelated key file.
  if (existsSync(join(dataDir, 'master.key.sealed')))
    throw new ConfigError(`${dataDir}: its master key is sealed by a PKCS#11 token (master.key.sealed); give --master-key-store pkcs11`);
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process created meanwhile; 0600 set again by chmod, so the umask does not decide.
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fileMasterKey(dataDir, {});
    throw e;
  }
  return { key: createSecretKey(key), created: true, source: file, tightened };
};

/** The sources in the order they are asked. */
export const MASTER_KEY_SOURCES: readonly MasterKeySource[] = [environmentMasterKey, fileMasterKey];

export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv): MasterKey {
  for (const source of MASTER_KEY_SOURCES) {
    const found = source(dataDir, env);
    if (found !== undefined) return found;
  }
  throw new ConfigError(`no master key: set ${MASTER_KEY_ENV} or let the server make ${join(dataDir, MASTER_KEY_FILE)}`);
}
