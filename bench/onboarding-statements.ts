/**
 * The SQL one onboarding costs on the all-in-one server: `iotopia up`'s platform on SQLite in a
 * child process whose node:sqlite statements are counted by their text while devices onboard one at
 * a time over HTTP (DI, the owner import and TO0 in DI's transaction, TO1, TO2). Prints, per
 * onboarding, the statements run, the commits and the `PRAGMA synchronous` switches, and the
 * statements by text: `npm run bench -- onboarding-statements [--count N]`.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';

export interface OnboardingStatements {
  devices: number;
  perOnboarding: { statements: number; commits: number; synchronousSwitches: number };
  /** Statements by their SQL text (the first 100 characters), per onboarding, most frequent first. */
  byStatement: { sql: string; count: number }[];
}

const SELF = new URL(import.meta.url).pathname;

/** Counts every statement node:sqlite runs in this process, by SQL text, while `on()` is true. */
function countStatements(on: () => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const sqlOf = new WeakMap<object, string>();
  const prepare = DatabaseSync.prototype.prepare;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, sql: string) {
    const s = prepare.call(this, sql);
    sqlOf.set(s, sql);
    return s;
  } as typeof prepare;
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: DatabaseSync, sql: string) {
    if (on()) bump(sql.trim());
    return exec.call(this, sql);
  };
  for (const name of ['run', 'all', 'get', 'iterate'] as const) {
    const original = StatementSync.prototype[name] as (...a: unknown[]) => unknown;
    (StatementSync.prototype as unknown as Record<string, unknown>)[name] = function (this: StatementSync, ...a: unknown[]) {
      if (on()) bump((sqlOf.get(this) ?? '?').replace(/\s+/g, ' ').slice(0, 100));
      return original.apply(this, a);
    };
  }
  return counts;
}

async function measureHere(devices: number): Promise<OnboardingStatements> {
  let counting = false;
  const counts = countStatements(() => counting);
  const { resolveConfig } = await import('../src/server/platform/config.ts');
  const { startPlatform } = await import('../src/server/platform/platform.ts');
  const { runFleet } = await import('../src/agent/fleet.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-bench-statements-'));
  const platform = await startPlatform(resolveConfig(['bench', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent', workers: '1' }]));
  try {
    // Warm-up: the first onboardings make keys and settings that later ones only read.
    await runFleet({ count: 4, concurrency: 1, manufacturer: platform.url });
    counting = true;
    const run = await runFleet({ count: devices, concurrency: 1, manufacturer: platform.url, retries: 0 });
    counting = false;
    if (run.succeeded !== devices) throw new Error(`onboarding-statements: ${run.succeeded} of ${devices} devices onboarded`);
  } finally {
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const per = (n: number) => Number((n / devices).toFixed(1));
  let statements = 0;
  let synchronousSwitches = 0;
  for (const [sql, n] of counts) {
    statements += n;
    if (/^PRAGMA synchronous/i.test(sql)) synchronousSwitches += n;
  }
  return {
    devices,
    perOnboarding: { statements: per(statements), commits: per(counts.get('commit') ?? 0), synchronousSwitches: per(synchronousSwitches) },
    byStatement: [...counts].sort((a, b) => b[1] - a[1]).map(([sql, n]) => ({ sql, count: per(n) })),
  };
}

/** Runs the count in a child process, so that the patched node:sqlite stays out of this one. */
export function onboardingStatementsBench(argv: readonly string[] = []): Promise<OnboardingStatements> {
  const i = argv.indexOf('--count');
  const devices = i === -1 ? 10 : Number(argv[i + 1]);
  if (!Number.isInteger(devices) || devices < 1) throw new TypeError('onboarding-statements: --count takes a positive integer');
  return new Promise((resolveResult, reject) => {
    const child = fork(SELF, ['--child', String(devices)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (m) => resolveResult(m as OnboardingStatements));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`onboarding-statements: the child exited with ${code}`))));
  });
}

if (process.argv[2] === '--child' && process.send !== undefined) {
  const result = await measureHere(Number(process.argv[3]));
  process.send(result, () => process.exit(0));
}
