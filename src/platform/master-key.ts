/**
 * The key-encryption key that seals secret columns (private keys, session secrets) in the store.
 * Replicas sharing one database must share it: set IOTOPIA_MASTER_KEY (64 hex digits) on each, or
 * give them the same data directory file. It is never logged.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.ts';

export const MASTER_KEY_FILE = 'master.key';

export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv): { key: Uint8Array; created: boolean; source: string } {
  const fromEnv = env.IOTOPIA_MASTER_KEY;
  if (fromEnv !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) throw new ConfigError('IOTOPIA_MASTER_KEY: 64 hex digits (32 bytes)');
    return { key: new Uint8Array(Buffer.from(fromEnv, 'hex')), created: false, source: 'IOTOPIA_MASTER_KEY' };
  }
  const file = join(dataDir, MASTER_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new ConfigError(`${file}: not 64 hex digits`);
    return { key: new Uint8Array(Buffer.from(text, 'hex')), created: false, source: file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = new Uint8Array(randomBytes(32));
  // 'wx': never overwrite a key another process created meanwhile; 0600: only this user reads it.
  try {
    writeFileSync(file, `${Buffer.from(key).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(dataDir, env);
    throw e;
  }
  return { key, created: true, source: file };
}
