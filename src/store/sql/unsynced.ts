import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { SqlContext } from './context.ts';

/**
 * Runs a session write on SQLite without waiting for the disk (docs/decisions/0013-sqlite-session-writes-unsynced.md). A
 * protocol session lives for seconds and a lost one only makes the device start the protocol
 * again, so its writes do not each pay an fsync: in WAL mode `synchronous = NORMAL` keeps them safe
 * from a process kill, and the next `FULL` commit (every voucher, device and audit change) makes
 * them durable with it. The connection is held across the three statements so no other commit
 * runs in between with the relaxed setting.
 */
export function unsynced<T>(db: Kysely<Database>, dialect: SqlContext['dialect'], fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite' || db.isTransaction) return fn(db);
  return db.connection().execute(async (c) => {
    await sql`PRAGMA synchronous = NORMAL`.execute(c);
    try {
      return await fn(c);
    } finally {
      await sql`PRAGMA synchronous = FULL`.execute(c);
    }
  });
}
