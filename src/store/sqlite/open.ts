import { resolve } from 'node:path';
import { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { createSqlStore, type SqlStoreOptions } from '../sql/sql-store.ts';
import type { Store } from '../store.ts';
import { createSqliteDialect } from './dialect.ts';
import { restrictDatabaseFiles } from './file-modes.ts';

/**
 * One connection per file per process, shared by every store opened on it. node:sqlite is
 * synchronous: a second connection waiting for the first one's write lock would block the very
 * event loop the first needs to commit, until the busy timeout fails it. On one connection Kysely's
 * mutex queues the transactions instead. Other processes still have their own connections.
 */
const shared = new Map<string, { db: Kysely<Database>; users: number }>();

/** Opens (creating if needed) a SQLite database file, or ':memory:', and migrates it. */
export async function openSqliteStore(path: string, options: SqlStoreOptions): Promise<Store> {
  if (path === ':memory:' || path === '') {
    const db = new Kysely<Database>({ dialect: createSqliteDialect(':memory:') });
    return createSqlStore(db, 'sqlite', options, () => db.destroy());
  }
  const key = resolve(path);
  let entry = shared.get(key);
  if (entry === undefined) {
    restrictDatabaseFiles(key, true);
    entry = { db: new Kysely<Database>({ dialect: createSqliteDialect(key) }), users: 0 };
    shared.set(key, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  const store = await createSqlStore(held.db, 'sqlite', options, async () => {
    if (released) return;
    released = true;
    if (--held.users > 0) return;
    shared.delete(key);
    await held.db.destroy();
  });
  // The first statements made the WAL and SHM files; a companion left from before is restricted too.
  restrictDatabaseFiles(key, false);
  return store;
}
