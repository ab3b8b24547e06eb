/**
 * The data directory at start: 0700, and what it holds that is private 0600 (the SQLite database
 * and its companions) or 0700 (the owner's upload directory and, when it lives there, the
 * ServiceInfo directory), whatever modes they had before. The master key file is the key loader's.
 */
import { join } from 'node:path';
import type { ServiceLog } from '../../platform/log.ts';
import {
  describeTightened,
  modeText,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  privateDir,
  type TightenedMode,
  tightenMode,
} from '../../platform/private-files.ts';
import { SQLITE_COMPANIONS } from '../../store/sqlite/file-modes.ts';

export const UPLOAD_DIR = 'uploads';
export const SERVICEINFO_DIR = 'serviceinfo';

/** Tightens the data directory and what it holds; `database` is the SQLite file when the store is embedded. */
export function secureDataDir(dataDir: string, database: string | undefined): TightenedMode[] {
  const out = [privateDir(dataDir)];
  if (database !== undefined)
    for (const p of [database, ...SQLITE_COMPANIONS.map((s) => `${database}${s}`)]) out.push(tightenMode(p, PRIVATE_FILE_MODE));
  for (const d of [UPLOAD_DIR, SERVICEINFO_DIR]) out.push(tightenMode(join(dataDir, d), PRIVATE_DIR_MODE));
  return out.filter((t) => t !== undefined);
}

/** One warning per tightened path: an operator learns that something had been readable by others. */
export function logTightened(log: ServiceLog | undefined, tightened: readonly TightenedMode[]): void {
  for (const t of tightened) {
    log?.warn({ path: t.path, was: modeText(t.was), now: modeText(t.now) }, `file mode tightened: ${describeTightened(t)}`);
  }
}
