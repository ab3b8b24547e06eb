/**
 * Test-only preload (`node --import ./test/e2e/kill-after-commit.ts`): the process SIGKILLs itself
 * right after its Nth COMMIT on node:sqlite, N from IOTOPIA_KILL_AFTER_COMMIT. Commits count only
 * once the process got SIGUSR2, so the test arms it when the server is ready and start-up writes
 * do not count.
 */
import { StatementSync } from 'node:sqlite';

const n = Number(process.env['IOTOPIA_KILL_AFTER_COMMIT']);
if (Number.isInteger(n) && n > 0) {
  let armed = false;
  let commits = 0;
  process.on('SIGUSR2', () => {
    armed = true;
  });
  const run = StatementSync.prototype.run;
  StatementSync.prototype.run = function (this: StatementSync, ...args: unknown[]) {
    const result = (run as (...a: unknown[]) => ReturnType<StatementSync['run']>).apply(this, args);
    if (armed && /^\s*commit\s*$/i.test(this.sourceSQL) && ++commits === n) process.kill(process.pid, 'SIGKILL');
    return result;
  } as StatementSync['run'];
}
