/**
 * The HTTP cost of one FDO message: the server's CPU time per request (user + system, measured in
 * the server's own process, bench/fdo-http-server.ts) for three servers, each in its own process,
 * answering the same request over keep-alive connections on loopback:
 * - `bare`: Fastify alone (route, CBOR body parser, reply);
 * - `secured`: that route on the IoTopia app (security headers and hooks);
 * - `fdo`: the FDO transport with a role handler that answers at once (start limits, session
 *   store in memory, bearer tokens, metrics).
 * A "device" sends TO2.HelloDevice (60), eight messages of type 62 and TO2.Done (70) with its
 * token. The three run in alternating rounds so that the load of a shared machine falls on each
 * alike; the result is the median per round and the ratios to `bare` (the median of per-round ratios).
 * Options: `--devices N` per round (default 100), `--rounds R` (default 5 × BENCH_SECONDS),
 * `--concurrency C` (default 4).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';

const SERVER = new URL('./fdo-http-server.ts', import.meta.url).pathname;
const BODY = new Uint8Array(256).fill(0x41);
const MESSAGES = [60, 62, 62, 62, 62, 62, 62, 62, 62, 70];
const NAMES = ['bare', 'secured', 'fdo'] as const;
type Name = (typeof NAMES)[number];

export interface FdoHttpBench {
  /** Server CPU per request in microseconds, the median over rounds. */
  cpuUsPerRequest: Record<Name, number>;
  /** Per-request CPU over bare Fastify's (median of the per-round ratios). */
  ratioToBare: Record<Name, number>;
  requestsPerRound: number;
  rounds: number;
  concurrency: number;
  loadAverage: { before: number; after: number };
}

function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolveReply, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolveReply(m as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the benchmark server exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message !== '') child.send(message);
  });
}

function post(agent: Agent, port: number, msgType: number, token: string | undefined): Promise<string | undefined> {
  return new Promise((resolveReply, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/cbor', 'content-length': String(BODY.length) };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request({ agent, host: '127.0.0.1', port, method: 'POST', path: `/fdo/101/msg/${msgType}`, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`message ${msgType}: HTTP ${res.statusCode}`));
        else resolveReply(/^Bearer (\S+)$/.exec(String(res.headers.authorization ?? ''))?.[1] ?? token);
      });
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

async function device(agent: Agent, port: number): Promise<void> {
  let token: string | undefined;
  for (const m of MESSAGES) token = await post(agent, port, m, token);
}

async function round(child: ChildProcess, agent: Agent, port: number, devices: number, concurrency: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < devices) {
      next++;
      await device(agent, port);
    }
  };
  const before = await ask<{ cpu: NodeJS.CpuUsage }>(child, 'cpu', 'cpu');
  await Promise.all(Array.from({ length: concurrency }, lane));
  const after = await ask<{ cpu: NodeJS.CpuUsage }>(child, 'cpu', 'cpu');
  const us = after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system;
  return us / (devices * MESSAGES.length);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? 0;
};

export async function fdoHttpBench(seconds: number, argv: readonly string[] = []): Promise<FdoHttpBench> {
  const flag = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i === -1 ? fallback : Number(argv[i + 1]);
  };
  const devices = flag('--devices', 100);
  const rounds = flag('--rounds', Math.max(3, Math.round(5 * seconds)));
  const concurrency = flag('--concurrency', 4);
  const loadBefore = loadavg()[0] as number;
  const children = Object.fromEntries(
    NAMES.map((n) => [n, fork(SERVER, [n], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })]),
  ) as Record<Name, ChildProcess>;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const ports = {} as Record<Name, number>;
    for (const n of NAMES) ports[n] = (await ask<{ port: number }>(children[n], '', 'port')).port;
    // Warm-up: the JIT and the connections stay out of the measurement.
    for (const n of NAMES) await round(children[n], agent, ports[n], devices, concurrency);
    const per: Record<Name, number[]> = { bare: [], secured: [], fdo: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate the order as well, so that no server always follows another.
      const order = r % 2 === 0 ? NAMES : [...NAMES].reverse();
      for (const n of order) per[n].push(await round(children[n], agent, ports[n], devices, concurrency));
    }
    const ratio = (n: Name) => Number(median(per[n].map((x, i) => x / (per.bare[i] as number))).toFixed(2));
    const us = (n: Name) => Number(median(per[n]).toFixed(1));
    return {
      cpuUsPerRequest: { bare: us('bare'), secured: us('secured'), fdo: us('fdo') },
      ratioToBare: { bare: 1, secured: ratio('secured'), fdo: ratio('fdo') },
      requestsPerRound: devices * MESSAGES.length,
      rounds,
      concurrency,
      loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] as number).toFixed(2)) },
    };
  } finally {
    agent.destroy();
    await Promise.all(
      Object.values(children).map((child) => {
        if (child.connected) child.send('stop');
        return new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
      }),
    );
  }
}
