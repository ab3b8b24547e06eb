/**
 * IoTopia's owner and go-fdo-server's owner side by side: the same number of go-fdo-client
 * devices (the pinned binary from test/interop/go-peers/install.sh) onboard against each on this
 * machine in one run. Per side, the devices are first made (`go-fdo-client device-init` against
 * that side's manufacturer) and their vouchers registered (TO0) with that side's rendezvous; after
 * a few warm-up devices, the timed phase runs `go-fdo-client onboard` (TO1 and TO2) for every
 * device with bounded concurrency, in halves ordered IoTopia, go, go, IoTopia so that a change in
 * the machine's load weighs on both. A device's latency is its onboard process from start to exit, so both sides carry
 * the same client cost. IoTopia runs as `iotopia up` does (the three roles in each of its processes);
 * go-fdo-server as its three role processes, of which the rendezvous and the owner serve the
 * timed phase. Server CPU is read from /proc for the serving processes.
 *
 *   npm run bench -- interop [--count N] [--concurrency C] [--workers W]
 *
 * `--workers W` runs IoTopia's side as `iotopia up --workers W` (default 1: one process); its
 * server CPU is then summed over the primary and every worker.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as their from '../test/interop/go-fdo-server/api.ts';
import { keyFiles } from '../test/interop/go-fdo-server/keys.ts';
import { type GoServer, goPeersMissing, peersBin, scratch, startGoServer } from '../test/interop/go-fdo-server/peers.ts';

const SERVER = new URL('./onboarding-server.ts', import.meta.url).pathname;
const CLIENT_TIMEOUT_MS = 120_000;
/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

export interface InteropSide {
  server: 'iotopia' | 'go-fdo-server';
  devices: number;
  succeeded: number;
  failures: Record<string, number>;
  devicesPerSec: number;
  /** Per device: one `go-fdo-client onboard` (TO1 and TO2), start to exit. */
  p50Ms: number;
  p99Ms: number;
  durationMs: number;
  /** CPU (user + system) of the processes serving TO1 and TO2 over the timed phase, per device. */
  serverCpuMsPerDevice: number | null;
  /**
   * CPU of one `go-fdo-client onboard` process, on the same cores: on a small machine it bounds
   * both sides' rates, whatever the servers cost.
   */
  clientCpuMsPerDevice: number;
}

export interface InteropBench {
  devices: number;
  concurrency: number;
  /** IoTopia's server processes: `iotopia up --workers N` (1: one process). */
  workers: number;
  client: string;
  deviceKey: 'ec256';
  kexSuite: 'ECDH256';
  cipherSuite: 'A128GCM';
  sides?: InteropSide[];
  /** IoTopia's rate over go-fdo-server's (above 1: IoTopia onboards more devices a second). */
  rateRatio?: number;
  /** go-fdo-server's p50 over IoTopia's (above 1: IoTopia's devices finish sooner). */
  p50Ratio?: number;
  p99Ratio?: number;
  skipped?: string;
}

interface Run {
  code: number | null;
  ms: number;
  out: string;
}

function client(args: readonly string[], cwd: string): Promise<Run> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(join(peersBin(), 'go-fdo-client'), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b: Buffer) => {
      out = (out + b.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), CLIENT_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, ms: performance.now() - started, out });
    });
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** `pid` and every process below it (the workers of `iotopia up --workers N`), from /proc. */
function withDescendants(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const children = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').trim();
      if (children !== '') all.push(...children.split(' ').map(Number));
    } catch {
      // The process is gone: its CPU is no longer counted either way.
    }
  }
  return all;
}

function cpuMs(roots: readonly (number | undefined)[]): number | null {
  let ticks = 0;
  if (roots.includes(undefined)) return null;
  const pids = (roots as number[]).flatMap(withDescendants);
  for (const pid of pids) {
    try {
      // Fields after the parenthesised command name: utime and stime are fields 14 and 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function percentile(sorted: readonly number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(1));
}

/** The failure's kind: the exit code and the last line the client printed. */
function failureKey(r: Run): string {
  const last = r.out.trim().split('\n').at(-1) ?? '';
  return `exit ${r.code}: ${last.replace(/\s+/g, ' ').slice(0, 160)}`;
}

async function makeDevices(dir: string, manufacturerUrl: string, count: number, concurrency: number, tag: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const blobs = await pool(count, concurrency, async (i) => {
    const blob = join(dir, `device-${i}.bin`);
    const r = await client(
      ['device-init', manufacturerUrl, '--key', 'ec256', '--blob', blob, '--device-info', `bench-${tag}`, '--serial-number', `${tag}-${i}`],
      dir,
    );
    if (r.code !== 0) throw new Error(`go-fdo-client device-init against ${manufacturerUrl} failed: ${failureKey(r)}`);
    return blob;
  });
  return blobs;
}

interface Prepared {
  server: InteropSide['server'];
  blobs: string[];
  cwd: string;
  /** The processes that serve TO1 and TO2. */
  pids: (number | undefined)[];
  stop(): Promise<void>;
}

interface Tally {
  runs: Run[];
  durationMs: number;
  cpuMs: number | null;
  /** CPU of the go-fdo-client processes, which this process waited for. */
  clientCpuMs: number;
}

/** CPU (user + system) of this process's children that have exited and were waited for (/proc/self/stat cutime, cstime). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

const onboard = (p: Prepared, blob: string) =>
  client(['onboard', '--key', 'ec256', '--kex', 'ECDH256', '--cipher', 'A128GCM', '--blob', blob], p.cwd);

/** One timed stretch: `blobs` onboarded with bounded concurrency. */
async function timedPhase(p: Prepared, blobs: readonly string[], concurrency: number, tally: Tally): Promise<void> {
  const cpuBefore = cpuMs(p.pids);
  const clientBefore = childrenCpuMs();
  const started = performance.now();
  tally.runs.push(...(await pool(blobs.length, concurrency, (i) => onboard(p, blobs[i] as string))));
  tally.durationMs += performance.now() - started;
  tally.clientCpuMs += childrenCpuMs() - clientBefore;
  const cpuAfter = cpuMs(p.pids);
  tally.cpuMs = tally.cpuMs === null || cpuBefore === null || cpuAfter === null ? null : tally.cpuMs + cpuAfter - cpuBefore;
}

function summarize(p: Prepared, t: Tally): InteropSide {
  const ok = t.runs.filter((r) => r.code === 0 && r.out.includes('FIDO Device Onboard Complete'));
  const failures: Record<string, number> = {};
  for (const r of t.runs) if (!ok.includes(r)) failures[failureKey(r)] = (failures[failureKey(r)] ?? 0) + 1;
  const ms = ok.map((r) => r.ms).sort((a, b) => a - b);
  return {
    server: p.server,
    devices: t.runs.length,
    succeeded: ok.length,
    failures,
    devicesPerSec: Number((ok.length / (t.durationMs / 1000)).toFixed(2)),
    p50Ms: percentile(ms, 0.5),
    p99Ms: percentile(ms, 0.99),
    durationMs: Math.round(t.durationMs),
    serverCpuMsPerDevice: t.cpuMs === null ? null : Number((t.cpuMs / Math.max(1, ok.length)).toFixed(2)),
    clientCpuMsPerDevice: Number((t.clientCpuMs / Math.max(1, t.runs.length)).toFixed(2)),
  };
}

function ask<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolveReply, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', onMessage);
        resolveReply(m as T);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the IoTopia benchmark server exited (${code})`)));
  });
}

async function prepareIotopia(dir: string, devices: number, concurrency: number, workers: number): Promise<Prepared> {
  const dataDir = join(dir, 'iotopia');
  await mkdir(dataDir, { recursive: true });
  // `iotopia up` defaults: manufacturer, rendezvous and owner in one process; every voucher made
  // at DI is extended to the owner and registered with the rendezvous at once.
  const child = fork(SERVER, [dataDir], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, IOTOPIA_WORKERS: String(workers) },
  });
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);
  const stop = async () => {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
    if (child.connected) child.send('stop');
    const timer = setTimeout(reap, 5000);
    await exited;
    clearTimeout(timer);
    process.off('exit', reap);
  };
  try {
    const { url } = await ask<{ url: string }>(child, 'url');
    const blobs = await makeDevices(join(dir, 'iotopia-devices'), url, devices, concurrency, 'iotopia');
    return { server: 'iotopia', blobs, cwd: dir, pids: [child.pid], stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function prepareGo(dir: string, devices: number, concurrency: number): Promise<Prepared> {
  const servers: GoServer[] = [];
  try {
    const keys = join(dir, 'go-keys');
    await mkdir(keys, { recursive: true });
    const deviceCa = await keyFiles(keys, 'device-ca', 'secp256r1', true);
    const ownerKey = await keyFiles(keys, 'owner', 'secp256r1');
    const manufacturerKey = await keyFiles(keys, 'manufacturer', 'secp256r1');
    const rendezvous = await startGoServer('rendezvous', dir, []);
    servers.push(rendezvous);
    await their.trustDeviceCa(rendezvous.url, deviceCa.certificate.toString());
    const owner = await startGoServer('owner', dir, ['--owner-key', ownerKey.keyPath, '--device-ca-cert', deviceCa.certPath]);
    servers.push(owner);
    await their.setOwnerRedirect(owner.url, [{ ip: '127.0.0.1', port: String(owner.port), protocol: 'http' }]);
    const manufacturer = await startGoServer('manufacturing', dir, [
      '--manufacturing-key',
      manufacturerKey.keyPath,
      '--device-ca-cert',
      deviceCa.certPath,
      '--device-ca-key',
      deviceCa.keyPath,
      '--owner-cert',
      ownerKey.certPath,
    ]);
    servers.push(manufacturer);
    const rv = String(rendezvous.port);
    await their.setRvInfo(manufacturer.url, [{ ip: '127.0.0.1', device_port: rv, owner_port: rv, protocol: 'http' }]);
    const blobs = await makeDevices(join(dir, 'go-devices'), manufacturer.url, devices, concurrency, 'go');
    // The vouchers go to the owner in one import; its TO0 scheduler then registers each (it runs
    // every 10 seconds), which the owner logs once per voucher.
    const listed = JSON.parse(await fetchText(`${manufacturer.url}/api/v1/vouchers`)) as { guid: string }[];
    const pems: string[] = [];
    for (const v of listed) pems.push(await their.getVoucherPem(manufacturer.url, v.guid));
    await their.importVouchers(owner.url, pems.join(''));
    const registered = () => owner.log().split("successfully registered 'RVTO2Addr'").length - 1;
    const deadline = Date.now() + 120_000;
    while (registered() < blobs.length) {
      if (Date.now() > deadline) throw new Error(`go-fdo-server's owner registered ${registered()} of ${blobs.length} vouchers (TO0)`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const stop = async () => {
      for (const s of servers) await s.stop();
    };
    return { server: 'go-fdo-server', blobs, cwd: dir, pids: [owner.pid, rendezvous.pid], stop };
  } catch (e) {
    for (const s of servers) await s.stop();
    throw e;
  }
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

export async function interopBench(argv: readonly string[] = []): Promise<InteropBench> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const count = Number(flag('--count') ?? 50);
  const concurrency = Number(flag('--concurrency') ?? 8);
  const workers = Number(flag('--workers') ?? 1);
  const base: InteropBench = {
    devices: count,
    concurrency,
    workers,
    client: 'go-fdo-client v1.0.0',
    deviceKey: 'ec256',
    kexSuite: 'ECDH256',
    cipherSuite: 'A128GCM',
  };
  if (![count, concurrency, workers].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new TypeError('interop: --count, --concurrency and --workers take positive integers');
  }
  const missing = goPeersMissing();
  if (missing !== undefined) return { ...base, skipped: missing };
  const warmUp = Math.min(4, concurrency);
  const work = await scratch('iotopia-bench-interop-');
  const prepared: Prepared[] = [];
  try {
    prepared.push(await prepareIotopia(work.dir, count + warmUp, concurrency, workers));
    prepared.push(await prepareGo(work.dir, count + warmUp, concurrency));
    const [a, b] = prepared as [Prepared, Prepared];
    // Warm-up devices (not counted): first connections, JIT, database pages.
    for (const p of prepared) await pool(warmUp, concurrency, (i) => onboard(p, p.blobs[i] as string));
    // Timed halves in the order A B B A, so that a drift in the machine's load weighs on both.
    const half = Math.ceil(count / 2);
    const parts = (p: Prepared) => [p.blobs.slice(warmUp, warmUp + half), p.blobs.slice(warmUp + half)];
    const [a1, a2] = parts(a) as [string[], string[]];
    const [b1, b2] = parts(b) as [string[], string[]];
    const ta: Tally = { runs: [], durationMs: 0, cpuMs: 0, clientCpuMs: 0 };
    const tb: Tally = { runs: [], durationMs: 0, cpuMs: 0, clientCpuMs: 0 };
    await timedPhase(a, a1, concurrency, ta);
    await timedPhase(b, b1, concurrency, tb);
    await timedPhase(b, b2, concurrency, tb);
    await timedPhase(a, a2, concurrency, ta);
    const iotopia = summarize(a, ta);
    const go = summarize(b, tb);
    const ratio = (x: number, y: number) => (y === 0 ? null : Number((x / y).toFixed(2)));
    return {
      ...base,
      sides: [iotopia, go],
      ...(ratio(iotopia.devicesPerSec, go.devicesPerSec) === null
        ? {}
        : { rateRatio: ratio(iotopia.devicesPerSec, go.devicesPerSec) as number }),
      ...(ratio(go.p50Ms, iotopia.p50Ms) === null ? {} : { p50Ratio: ratio(go.p50Ms, iotopia.p50Ms) as number }),
      ...(ratio(go.p99Ms, iotopia.p99Ms) === null ? {} : { p99Ratio: ratio(go.p99Ms, iotopia.p99Ms) as number }),
    };
  } finally {
    for (const p of prepared) await p.stop();
    await work.dispose();
  }
}
