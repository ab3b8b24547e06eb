/**
 * Devices onboarded per second through the HTTP server: `iotopia up` in a child process, the fleet
 * simulator in this one running DI, TO1 and TO2 for many devices at once over 127.0.0.1. The
 * server's CPU time comes from the server process itself, so a figure per device is the server's
 * cost alone. SQLite always; PostgreSQL when IOTOPIA_TEST_PG_URL or `--database URL` names a server
 * (a fresh database is made on it and dropped afterwards).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFleet } from '../src/agent/fleet.ts';
import { postgresHarness } from '../test/store/harness.ts';

const SERVER = new URL('./onboarding-server.ts', import.meta.url).pathname;

export interface OnboardingRow {
  database: 'sqlite' | 'postgresql';
  devices: number;
  concurrency: number;
  succeeded: number;
  failures: Record<string, number>;
  devicesPerSec: number;
  /** Per device, DI through TO2, as the device saw it. */
  p50Ms: number;
  p99Ms: number;
  /** Server process CPU (user + system) over the run, per device and as a share of one core. */
  serverCpuMsPerDevice: number;
  serverCpuCores: number;
  /** The benchmark process (the simulated devices) for comparison. */
  clientCpuMsPerDevice: number;
  serverRssMiB: number;
}

export interface OnboardingBench {
  rows: OnboardingRow[];
  skipped?: string;
}

interface CpuReply {
  cpu: NodeJS.CpuUsage;
  rssBytes: number;
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

async function benchOne(
  database: OnboardingRow['database'],
  url: string | undefined,
  count: number,
  concurrency: number,
): Promise<OnboardingRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-bench-onboarding-'));
  const child = fork(SERVER, [dataDir, ...(url === undefined ? [] : [url])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);
  try {
    const { url: serverUrl } = await ask<{ url: string }>(child, '', 'url');
    // Warm-up: JIT, connection pools and the first key loads stay out of the measurement.
    await runFleet({ count: Math.min(concurrency, 16), concurrency, manufacturer: serverUrl });
    const before = await ask<CpuReply>(child, 'cpu', 'cpu');
    const clientBefore = process.cpuUsage();
    const summary = await runFleet({ count, concurrency, manufacturer: serverUrl, retries: 0 });
    const client = process.cpuUsage(clientBefore);
    const after = await ask<CpuReply>(child, 'cpu', 'cpu');
    const serverCpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
    const per = (ms: number) => Number((ms / Math.max(1, summary.succeeded)).toFixed(2));
    return {
      database,
      devices: count,
      concurrency,
      succeeded: summary.succeeded,
      failures: summary.failures,
      devicesPerSec: summary.rate,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      serverCpuMsPerDevice: per(serverCpuMs),
      serverCpuCores: Number((serverCpuMs / summary.durationMs).toFixed(2)),
      clientCpuMsPerDevice: per((client.user + client.system) / 1000),
      serverRssMiB: Number((after.rssBytes / 2 ** 20).toFixed(1)),
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

export async function onboardingBench(seconds: number, argv: readonly string[] = []): Promise<OnboardingBench> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  // About 200 devices a second of BENCH_SECONDS: enough for a stable p99 at the default of 1 s.
  const count = Number(flag('--count') ?? Math.max(16, Math.round(200 * seconds)));
  const concurrency = Number(flag('--concurrency') ?? 16);
  const rows = [await benchOne('sqlite', undefined, count, concurrency)];
  const pgUrl = flag('--database') ?? process.env.IOTOPIA_TEST_PG_URL;
  if (pgUrl === undefined || pgUrl === '') {
    return { rows, skipped: 'postgresql: neither IOTOPIA_TEST_PG_URL nor --database postgres://… was given' };
  }
  const db = await postgresHarness(pgUrl);
  try {
    rows.push(await benchOne('postgresql', db.location, count, concurrency));
  } finally {
    await db.destroy();
  }
  return { rows };
}
