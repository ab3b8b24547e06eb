/**
 * Server memory with 100,000 devices registered (`--devices N`): `iotopia up` in its own process
 * (server-rss-holder.ts), RSS after a collection once started, after a warm-up of polls, and after
 * a poll storm (random devices over HTTP on loopback, CONCURRENCY at a time, for 10 ×
 * BENCH_SECONDS, 1 to 30 s), with the Node flags the `iotopia` command starts with
 * (serverNodeFlags) and with Node's defaults. Goal: under 300 MB.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_FILE } from '../src/server/platform/platform.ts';
import { registerDevices } from './register-devices.ts';

const CONCURRENCY = 32;
const WARM_UP_POLLS = 2000;
/** The Node flags `iotopia up` runs with: those on the first line of bin/iotopia.js (`env -S node …`). */
export function serverNodeFlags(): string[] {
  const first = readFileSync(new URL('../bin/iotopia.js', import.meta.url), 'utf8').split('\n')[0] ?? '';
  return first.split(' ').filter((w) => w.startsWith('--'));
}

interface Memory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i < 0 ? undefined : Number(args[i + 1]);
  return v === undefined || !Number.isInteger(v) || v < 1 ? fallback : v;
}

const next = <T>(child: ChildProcess): Promise<T> =>
  new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`the server exited ${code}`)));
  });

/** Polls random devices until `done()`, CONCURRENCY at a time; resolves with polls made and failures. */
async function storm(url: string, tokens: string[], done: (n: number) => boolean): Promise<{ polls: number; failures: number }> {
  let polls = 0;
  let failures = 0;
  const worker = async () => {
    while (!done(polls)) {
      const token = tokens[Math.floor(Math.random() * tokens.length)];
      const r = await fetch(`${url}/device/v1/poll`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      if (r.status !== 200) failures++;
      polls++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { polls, failures };
}

/** One server run on `dir` with `flags`: its memory started, after a warm-up and after a storm. */
async function measure(dir: string, tokens: string[], flags: string[], stormSeconds: number) {
  const holder = new URL('./server-rss-holder.ts', import.meta.url).pathname;
  const stdio: ['ignore', 'ignore', 'inherit', 'ipc'] = ['ignore', 'ignore', 'inherit', 'ipc'];
  const child = fork(holder, [dir], { execArgv: ['--expose-gc', ...flags], stdio });
  try {
    const { url, ...started } = await next<Memory & { url: string }>(child);
    const ask = async () => {
      const m = next<Memory>(child);
      child.send('rss');
      return m;
    };
    await storm(url, tokens, (n) => n >= WARM_UP_POLLS);
    const warm = await ask();
    const end = performance.now() + stormSeconds * 1000;
    const t = performance.now();
    const s = await storm(url, tokens, () => performance.now() >= end);
    const pollsPerSec = Math.round(s.polls / ((performance.now() - t) / 1000));
    const after = await ask();
    return {
      nodeFlags: flags.join(' '),
      started,
      afterWarmUp: warm,
      afterStorm: after,
      storm: { seconds: stormSeconds, concurrency: CONCURRENCY, polls: s.polls, pollsPerSec, failures: s.failures },
    };
  } finally {
    child.send('close');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function serverRssBench(seconds: number, args: readonly string[]) {
  // A smoke run (BENCH_SECONDS below 0.5) registers 10,000.
  const devices = option(args, '--devices', seconds < 0.5 ? 10_000 : 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-rss-'));
  const holder = new URL('./server-rss-holder.ts', import.meta.url).pathname;
  try {
    // A first start makes the database and keys; the devices go in while the server is down.
    await new Promise((resolve) => fork(holder, [dir, '--init'], { stdio: 'ignore' }).once('exit', resolve));
    const tokens = registerDevices(join(dir, SQLITE_FILE), devices);
    const stormSeconds = Math.min(30, Math.max(1, 10 * seconds));
    // V8 sizes the young generation by the machine's memory; the command sets a smaller one.
    const runs = [await measure(dir, tokens, serverNodeFlags(), stormSeconds), await measure(dir, tokens, [], stormSeconds)];
    return { devices, goalMiB: 300, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
