/**
 * Kysely's SqliteDialect over Node's built-in node:sqlite, through a small structural adapter:
 * Kysely expects better-sqlite3's statement shape (a `reader` flag, parameters as one array).
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { durabilityOf, SYNC_NORMAL, withDurability } from './durability.ts';

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Prepared statements kept per connection, by SQL text: preparing costs more than running the
 * small indexed queries most requests make. SQLite re-prepares a kept statement by itself after a
 * schema change. Oldest first out past the limit (queries with `in (…)` lists vary in text).
 */
const STATEMENT_CACHE_MAX = 256;

type Param = null | number | bigint | string | Uint8Array;

function statement(db: DatabaseSync, sql: string, stmt: StatementSync): SqliteStatement {
  const kind = durabilityOf(sql);
  return {
    // node:sqlite has no `reader`; a statement that yields columns is one that returns rows.
    reader: stmt.columns().length > 0,
    all: (parameters) => withDurability(db, kind, () => stmt.all(...(parameters as Param[]))),
    run: (parameters) => withDurability(db, kind, () => stmt.run(...(parameters as Param[]))),
    // A stream holds its statement open until it ends: it gets one of its own, so a query run
    // meanwhile with the same text does not reset it.
    iterate: (parameters) => db.prepare(sql).iterate(...(parameters as Param[])),
  };
}

/** The adapter Kysely talks to. Exported for tests and tools that bring their own DatabaseSync. */
export function nodeSqliteDatabase(db: DatabaseSync): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    close: () => {
      kept.clear();
      db.close();
    },
    prepare: (text) => {
      const hit = kept.get(text);
      if (hit !== undefined) return hit;
      // Kysely opens transactions with a plain BEGIN, which takes the write lock only at the first
      // write; two processes that both read first then deadlock on the upgrade and busy_timeout
      // cannot help. BEGIN IMMEDIATE takes the write lock up front, so the second one waits.
      const sql = /^\s*begin\s*$/i.test(text) ? 'begin immediate' : text;
      const s = statement(db, sql, db.prepare(sql));
      if (kept.size >= STATEMENT_CACHE_MAX) kept.delete(kept.keys().next().value as string);
      kept.set(text, s);
      return s;
    },
  };
}

/** A dialect on a database file (or ':memory:'), with WAL, a busy timeout, foreign keys and secure_delete on. */
export function createSqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: BUSY_TIMEOUT_MS });
      if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      // WAL keeps the last commits safe from a process kill with NORMAL; transactions and writes
      // other than session writes switch to FULL for power-loss safety (durability.ts).
      db.exec(SYNC_NORMAL);
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Deleted and overwritten content is zeroed in its page, not left in free space where a copy
      // of the file would still show it (deleted secrets; ADR 0019). eraseFreed clears the WAL.
      db.exec('PRAGMA secure_delete = ON');
      return nodeSqliteDatabase(db);
    },
  });
}
