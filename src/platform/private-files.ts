/**
 * Files and directories that hold secrets or the database are this user's alone: directories
 * 0700, files 0600. The modes are set with chmod after creating or finding the path, so neither
 * the process's umask nor a mode the path had before (a directory made 0755 by hand, a database
 * copied in as 0644) decides them. Each path whose mode had to be tightened is reported, so that
 * the server can say so in its log.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A path whose mode was tightened: what it was and what it is now. */
export interface TightenedMode {
  path: string;
  was: number;
  now: number;
}

/** A mode as people write it: `0755`. */
export const modeText = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** `path: 0755 -> 0700`, for logs. */
export function describeTightened(t: TightenedMode): string {
  return `${t.path}: ${modeText(t.was)} -> ${modeText(t.now)}`;
}

/** Sets `mode` on an existing path; reports it when the old mode differed. A missing path is left missing. */
export function tightenMode(path: string, mode: number): TightenedMode | undefined {
  let was: number;
  try {
    was = statSync(path).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (was === mode) return undefined;
  chmodSync(path, mode);
  return { path, was, now: mode };
}

/** Makes the directory (and missing parents) and sets it to 0700; the new or tightened one reported. */
export function privateDir(path: string): TightenedMode | undefined {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  return tightenMode(path, PRIVATE_DIR_MODE);
}

/** Creates the file empty when it is missing (never truncating one that exists) and sets it to 0600. */
export function privateFile(path: string): TightenedMode | undefined {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  return tightenMode(path, PRIVATE_FILE_MODE);
}
