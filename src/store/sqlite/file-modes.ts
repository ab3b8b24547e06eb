/**
 * The database file and its companions (the write-ahead log, its shared-memory index, a rollback
 * journal) are readable by this user only: 0600, set with chmod whatever the umask or an earlier
 * mode. SQLite gives the WAL and SHM files it creates the database file's mode; the chmod after
 * opening covers companions that existed before with a wider one.
 */
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

const MODE = 0o600;
export const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'] as const;

function restrict(path: string): void {
  try {
    if ((statSync(path).mode & 0o777) !== MODE) chmodSync(path, MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Creates the database file 0600 when it is missing (an empty file is a new database to SQLite) and restricts it and its companions. */
export function restrictDatabaseFiles(path: string, create: boolean): void {
  if (create) closeSync(openSync(path, 'a', MODE));
  restrict(path);
  for (const suffix of SQLITE_COMPANIONS) restrict(`${path}${suffix}`);
}
