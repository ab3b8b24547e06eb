/**
 * Devices onboarded per second through the HTTP server: `iotopia up` in a child process (one
 * process, or a primary and its workers, ADR 0032), the fleet simulator in this one running DI, TO1
 * and TO2 for many devices at once over 127.0.0.1. The server's CPU time is summed over its
 * processes (the primary and every worker), so a figure per device is the server's cost alone.
 *
 * Options (after `onboarding` on the `npm run bench` command line):
 * - `--workers N` (default 2): each store is run with 1 worker and with N, next to each other.
 * - `--store sqlite` (default), `postgres` or `both`. PostgreSQL needs IOTOPIA_TEST_PG_URL or
 *   `--database URL`; a fresh database is made on that server and dropped afterwards.
 * - `--variants all` adds today's other rows on SQLite with 1 worker: over HTTPS (the platform's own
 *   certificate, the devices trusting its CA) and, when SoftHSM2 is installed, with the server's
 *   keys in a PKCS#11 token: the cost of TLS and of the token, next to the plain run.
 * - `--count N`, `--concurrency C` (default about 200 devices per BENCH_SECONDS, 16 at once).
 * On SQLite the server processes import bench/sqlite-lock-wait.ts, which times every `begin
 * immediate` (the wait for the one write lock) and `commit`: the contention between workers.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFleet } from '../src/agent/fleet.ts';
import { postgresHarness } from '../test/store/harness.ts';
import { onboardingCryptoFloor } from './onboarding-floor.ts';
import type { LockWait } from './sqlite-lock-wait.ts';

const SERVER = new URL('./onboarding-server.ts', import.meta.url).pathname;

export interface OnboardingRow {
  database: 'sqlite' | 'postgresql';
  /** `iotopia up --workers`: 1 is one process; more are a primary and that many workers. */
  workers: number;
  /** Where the server's manufacturer, owner and device-CA keys are: sealed in the store, or in a SoftHSM2 token. */
  keystore: 'software' | 'pkcs11';
  /** HTTP, or HTTPS with the platform-made certificate; each protocol run of a device opens its own connection (a handshake each). */
  transport: 'http' | 'https';
  devices: number;
  concurrency: number;
  succeeded: number;
  failures: Record<string, number>;
  devicesPerSec: number;
  /** Per device, DI through TO2, as the device saw it. */
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system, the primary and every worker) over the run, per device and as a share of one core. */
  serverCpuMsPerDevice: number;
  /** The kernel's part of it (system time: sockets, fsync, page faults). */
  serverSystemCpuMsPerDevice: number;
  /** The crypto floor of one onboarding (bench/onboarding-floor.ts, this run) over serverCpuMsPerDevice. */
  floorRatio?: number;
  serverCpuCores: number;
  /** The benchmark process (the simulated devices) for comparison. */
  clientCpuMsPerDevice: number;
  /** Resident memory of every server process together. */
  serverRssMiB: number;
  /** SQLite only: transactions per device, the time per device spent waiting for the write lock, the longest wait, time in commit. */
  sqliteLock?: { transactionsPerDevice: number; waitMsPerDevice: number; maxWaitMs: number; commitMsPerDevice: number };
}

export interface OnboardingBench {
  rows: OnboardingRow[];
  /** The machine's 1-minute load average before and after the rows: the cores are shared, and rates follow the load. */
  loadAverage: { before: number; after: number };
  /** The server-side crypto of one onboarding (P-256 device, ECDH256, A128GCM) with node:crypto alone, in this run. */
  cryptoFloorMsPerOnboarding: number;
  skipped?: string;
}

interface CpuReply {
  cpu: NodeJS.CpuUsage;
  rssBytes: number;
  locks?: LockWait[];
}

const PROBE = new URL('./sqlite-lock-wait.ts', import.meta.url).href;

/** The lock figures of the measured run: the difference of the summed totals after and before. */
function lockRow(before: CpuReply, after: CpuReply, devices: number): OnboardingRow['sqliteLock'] {
  if (before.locks === undefined || after.locks === undefined) return undefined;
  const sum = (l: LockWait[]) =>
    l.reduce((a, w) => ({ begins: a.begins + w.begins, waitMs: a.waitMs + w.waitMs, commitMs: a.commitMs + w.commitMs }), {
      begins: 0,
      waitMs: 0,
      commitMs: 0,
    });
  const [b, a] = [sum(before.locks), sum(after.locks)];
  const per = (x: number) => Number((x / Math.max(1, devices)).toFixed(2));
  return {
    transactionsPerDevice: per(a.begins - b.begins),
    waitMsPerDevice: per(a.waitMs - b.waitMs),
    // The longest over the whole life of the processes (warm-up included): an upper bound.
    maxWaitMs: Number(Math.max(...after.locks.map((w) => w.maxWaitMs)).toFixed(1)),
    commitMsPerDevice: per(a.commitMs - b.commitMs),
  };
}

function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolveReply, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', onMessage);
        resolveReply(m as T);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the benchmark server exited (${code})`)));
    if (message !== '') child.send(message);
  });
}

const SOFTHSM_MODULE = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((m) => existsSync(m));
const BENCH_PIN = '1357924680';

/** A fresh SoftHSM2 token in `dir`: the environment the server needs to use it, or why not. */
function softhsmToken(dir: string): NodeJS.ProcessEnv | string {
  if (SOFTHSM_MODULE === undefined) return 'pkcs11: SoftHSM2 is not installed (apt-get install softhsm2)';
  mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', BENCH_PIN, '--so-pin', '24680135'], { env });
  if (r.status !== 0) return `pkcs11: softhsm2-util --init-token failed (${r.error?.message ?? r.stderr?.toString().trim()})`;
  return {
    ...env,
    IOTOPIA_KEYSTORE: 'pkcs11',
    IOTOPIA_PKCS11_MODULE: SOFTHSM_MODULE,
    IOTOPIA_PKCS11_TOKEN: 'bench',
    IOTOPIA_PKCS11_PIN: BENCH_PIN,
  };
}

type Variant = Pick<OnboardingRow, 'keystore' | 'transport' | 'workers'>;
const PLAIN: Variant = { keystore: 'software', transport: 'http', workers: 1 };

async function benchOne(
  database: OnboardingRow['database'],
  url: string | undefined,
  count: number,
  concurrency: number,
  variant: Variant = PLAIN,
): Promise<OnboardingRow | string> {
  const { keystore, transport, workers } = variant;
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-bench-onboarding-'));
  const keys = keystore === 'pkcs11' ? softhsmToken(dataDir) : process.env;
  const tls = typeof keys === 'string' || transport === 'http' ? keys : { ...keys, IOTOPIA_TLS: 'true' };
  if (typeof tls === 'string') {
    rmSync(dataDir, { recursive: true, force: true });
    return tls;
  }
  const env = { ...tls, IOTOPIA_WORKERS: String(workers) };
  const child = fork(SERVER, [join(dataDir, 'server'), ...(url === undefined ? [] : [url])], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env,
    // The lock probe goes into the server's processes on SQLite only; the workers inherit execArgv.
    execArgv: [...process.execArgv, ...(database === 'sqlite' ? ['--import', PROBE] : [])],
  });
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);
  try {
    const { url: serverUrl, caFile } = await ask<{ url: string; caFile?: string }>(child, '', 'url');
    const trust = caFile === undefined ? {} : { transport: { tlsCa: readFileSync(caFile, 'utf8') } };
    // Warm-up: JIT, connection pools and the first key loads stay out of the measurement.
    await runFleet({ count: Math.min(concurrency, 16), concurrency, manufacturer: serverUrl, ...trust });
    const before = await ask<CpuReply>(child, 'cpu', 'cpu');
    const clientBefore = process.cpuUsage();
    const summary = await runFleet({ count, concurrency, manufacturer: serverUrl, retries: 0, ...trust });
    const client = process.cpuUsage(clientBefore);
    const after = await ask<CpuReply>(child, 'cpu', 'cpu');
    const serverCpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
    const per = (ms: number) => Number((ms / Math.max(1, summary.succeeded)).toFixed(2));
    const sqliteLock = lockRow(before, after, summary.succeeded);
    return {
      database,
      workers,
      keystore,
      transport,
      devices: count,
      concurrency,
      succeeded: summary.succeeded,
      failures: summary.failures,
      devicesPerSec: summary.rate,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      serverCpuMsPerDevice: per(serverCpuMs),
      serverSystemCpuMsPerDevice: per((after.cpu.system - before.cpu.system) / 1000),
      serverCpuCores: Number((serverCpuMs / summary.durationMs).toFixed(2)),
      clientCpuMsPerDevice: per((client.user + client.system) / 1000),
      serverRssMiB: Number((after.rssBytes / 2 ** 20).toFixed(1)),
      ...(sqliteLock === undefined ? {} : { sqliteLock }),
    };
  } finally {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
    if (child.connected) child.send('stop');
    const timer = setTimeout(reap, 5000);
    await exited;
    clearTimeout(timer);
    process.off('exit', reap);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const STORES = ['sqlite', 'postgres', 'both'] as const;

export async function onboardingBench(seconds: number, argv: readonly string[] = []): Promise<OnboardingBench> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  // About 200 devices a second of BENCH_SECONDS: enough for a stable p99 at the default of 1 s.
  const count = Number(flag('--count') ?? Math.max(16, Math.round(200 * seconds)));
  const concurrency = Number(flag('--concurrency') ?? 16);
  const workers = Number(flag('--workers') ?? 2);
  const store = (flag('--store') ?? 'sqlite') as (typeof STORES)[number];
  if (!STORES.includes(store)) throw new TypeError(`--store: one of ${STORES.join(', ')}`);
  if (!(Number.isInteger(workers) && workers >= 1)) throw new TypeError('--workers: a whole number from 1');
  const counts = [...new Set([1, workers])];
  const loadBefore = loadavg()[0] as number;
  const done = () => {
    const loadAverage = { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] as number).toFixed(2)) };
    const floor = onboardingCryptoFloor(Math.min(seconds, 1)).msPerOnboarding;
    for (const r of rows) r.floorRatio = Number((floor / r.serverCpuMsPerDevice).toFixed(3));
    const bench = { rows, loadAverage, cryptoFloorMsPerOnboarding: floor };
    return skipped.length === 0 ? bench : { ...bench, skipped: skipped.join('; ') };
  };
  const rows: OnboardingRow[] = [];
  const skipped: string[] = [];
  const add = (row: OnboardingRow | string) => (typeof row === 'string' ? skipped.push(row) : rows.push(row));
  if (store !== 'postgres') {
    for (const n of counts) add(await benchOne('sqlite', undefined, count, concurrency, { ...PLAIN, workers: n }));
    if (flag('--variants') === 'all') {
      // The same run over HTTPS, and with the owner, manufacturer and device-CA keys signing in a SoftHSM2 token.
      add(await benchOne('sqlite', undefined, count, concurrency, { ...PLAIN, transport: 'https' }));
      add(await benchOne('sqlite', undefined, count, concurrency, { ...PLAIN, keystore: 'pkcs11' }));
    }
  }
  if (store === 'sqlite') return done();
  const pgUrl = flag('--database') ?? process.env.IOTOPIA_TEST_PG_URL;
  if (pgUrl === undefined || pgUrl === '') {
    skipped.push('postgresql: neither IOTOPIA_TEST_PG_URL nor --database postgres://… was given');
  } else {
    for (const n of counts) {
      // A fresh database per row: the second run does not start on the first one's devices.
      const db = await postgresHarness(pgUrl);
      try {
        add(await benchOne('postgresql', db.location, count, concurrency, { ...PLAIN, workers: n }));
      } finally {
        await db.destroy();
      }
    }
  }
  return done();
}
