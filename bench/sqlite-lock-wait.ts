/**
 * Loaded with `--import` into the onboarding benchmark's server processes only (the primary and,
 * through its execArgv, every worker): times each SQLite `begin immediate` (the wait for the
 * database's one write lock, src/store/sqlite/dialect.ts) and each `commit` (the write and fsync
 * while the lock is held), so the benchmark can report the contention between workers. A worker
 * answers a { type: 'lock-wait' } message with its totals.
 */
import cluster from 'node:cluster';
import { StatementSync } from 'node:sqlite';

export interface LockWait {
  type: 'lock-wait';
  /** Transactions begun, time waiting in `begin immediate`, the longest wait, time in `commit`. */
  begins: number;
  waitMs: number;
  maxWaitMs: number;
  commitMs: number;
}

const totals: LockWait = { type: 'lock-wait', begins: 0, waitMs: 0, maxWaitMs: 0, commitMs: 0 };
type Run = (this: StatementSync, ...args: unknown[]) => ReturnType<StatementSync['run']>;
const run = StatementSync.prototype.run as Run;

StatementSync.prototype.run = function timedRun(this: StatementSync, ...args: unknown[]) {
  const sql = this.sourceSQL;
  if (sql !== 'begin immediate' && sql !== 'commit') return run.apply(this, args);
  const t0 = performance.now();
  try {
    return run.apply(this, args);
  } finally {
    const ms = performance.now() - t0;
    if (sql === 'commit') totals.commitMs += ms;
    else {
      totals.begins++;
      totals.waitMs += ms;
      totals.maxWaitMs = Math.max(totals.maxWaitMs, ms);
    }
  }
} as StatementSync['run'];

/** This process's totals so far. */
export const lockWait = (): LockWait => ({ ...totals });

if (cluster.isWorker)
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'lock-wait') process.send?.(lockWait());
  });
