/**
 * When a SQLite commit waits for the disk (docs/decisions/0013-sqlite-session-writes-unsynced.md,
 * amended by 0030). The connection runs `synchronous = NORMAL`; every transaction switches it to
 * `FULL` before BEGIN and back after COMMIT or ROLLBACK, so each voucher, device and audit commit
 * is fsynced. A write outside a transaction is `FULL` too (set before it, reset after it), except a
 * protocol session write: a session lives for seconds and a lost one only makes the device start
 * the protocol again. In WAL mode `NORMAL` survives a process kill, and the next `FULL` commit
 * makes everything written before it durable with it. The pragma is never changed inside a
 * transaction.
 */

import { AsyncLocalStorage } from 'node:async_hooks';

/** The table whose writes outside a transaction do not wait for the disk. */
const UNSYNCED_TABLE = '"sessions"';

const WRITE = /^\s*(insert|update|delete|replace|with)\b/i;
const SESSION_WRITE = new RegExp(`^\\s*(insert\\s+into|update|delete\\s+from)\\s+${UNSYNCED_TABLE}(\\s|$)`, 'i');

export const SYNC_NORMAL = 'PRAGMA synchronous = NORMAL';
export const SYNC_FULL = 'PRAGMA synchronous = FULL';

/** How a statement is run on the connection, by its SQL text. */
export type Durability = 'begin' | 'end' | 'durable-write' | 'as-is';

export function durabilityOf(sql: string): Durability {
  if (/^\s*begin\b/i.test(sql)) return 'begin';
  if (/^\s*(commit|rollback|end)\s*$/i.test(sql)) return 'end';
  if (WRITE.test(sql) && !SESSION_WRITE.test(sql)) return 'durable-write';
  return 'as-is';
}

/** The pragma calls a connection needs around one statement. */
export interface SyncSwitch {
  exec(sql: string): void;
  readonly isTransaction: boolean;
}

/** Set while the writes of `runUnsynced`'s work run. */
const unsyncedScope = new AsyncLocalStorage<true>();

/**
 * Runs `work` with its writes outside transactions left at `NORMAL`, like a session write: for a
 * row whose loss in a power failure is harmless until a later durable commit, which in WAL mode
 * syncs every write before it, covers it (a credential minted during TO2, sent to the device
 * before TO2's end commits). Transactions inside `work` still commit at `FULL`.
 */
export const runUnsynced = <T>(work: () => Promise<T>): Promise<T> => unsyncedScope.run(true, work);

/** Runs `run` (one statement of `kind`) with the synchronous setting it needs. */
export function withDurability<T>(db: SyncSwitch, kind: Durability, run: () => T): T {
  if (kind === 'as-is' || (kind === 'durable-write' && (db.isTransaction || unsyncedScope.getStore() === true))) return run();
  if (kind === 'begin') {
    if (!db.isTransaction) db.exec(SYNC_FULL);
    return run();
  }
  if (kind === 'end') {
    try {
      return run();
    } finally {
      if (!db.isTransaction) db.exec(SYNC_NORMAL);
    }
  }
  db.exec(SYNC_FULL);
  try {
    return run();
  } finally {
    db.exec(SYNC_NORMAL);
  }
}
