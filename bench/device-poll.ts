/**
 * The device API's poll: requests per second through Fastify's inject (no sockets, so the server's
 * own cost), for a bare route on the same app (security headers, no authentication) and for
 * `GET /device/v1/poll` with a device bearer credential, with N devices registered (default
 * 100 000, `--devices N`): the same device again and again (its credential and its idle answer
 * remembered), a random device on an app that has seen none yet (almost always a first look: the
 * store is read), a random device once every device has polled (as a fleet polling every few
 * minutes: all remembered while nothing changes), and a random device with the caches off. Rate limits are off, so the numbers are authentication,
 * routing and the poll itself. SQLite file store in a temporary directory; the devices are
 * inserted straight into its tables (register-devices.ts).
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { deviceCredentials } from '../src/lifecycle/device-credentials.ts';
import { databasePayloadStorage } from '../src/lifecycle/releases/database-storage.ts';
import { createApp } from '../src/server/app.ts';
import { openStore } from '../src/store/open-store.ts';
import { registerDevices } from './register-devices.ts';

const CONCURRENCY = 16;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i < 0 ? undefined : Number(args[i + 1]);
  return v === undefined || !Number.isInteger(v) || v < 1 ? fallback : v;
}

/** Requests per second and latency percentiles of `url` with the headers `headers()` gives, CONCURRENCY at a time. */
async function run(name: string, app: FastifyInstance, url: string, headers: () => Record<string, string>, seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  let failures = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const r = await app.inject({ method: 'GET', url, headers: headers() });
      if (r.statusCode !== 200) failures++;
      latencies.push((performance.now() - t) * 1000);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    name,
    requestsPerSec: Math.round(latencies.length / elapsed),
    p50Us: pct(0.5),
    p99Us: pct(0.99),
    requests: latencies.length,
    failures,
  };
}

/** Polls every device once, CONCURRENCY at a time, as a fleet does in one poll interval. */
async function pollEach(app: FastifyInstance, tokens: readonly string[]): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++];
      const r = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: { authorization: `Bearer ${token}` } });
      if (r.statusCode !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

export async function devicePollBench(seconds: number, args: readonly string[]) {
  const devices = option(args, '--devices', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-poll-'));
  const path = join(dir, 'bench.sqlite');
  const store = await openStore({ path }, { kek: new Uint8Array(randomBytes(32)) });
  try {
    const t = performance.now();
    const tokens = registerDevices(path, devices);
    const registerSeconds = Math.round((performance.now() - t) / 100) / 10;
    const limits = { requestsPerMinute: 0, failedLoginsPerMinute: 0 };
    // Campaigns on, as `iotopia up` runs it: each poll also looks for the device's actions (none here).
    const payloads = { payloads: store.payloads, storage: databasePayloadStorage(store.payloads), maxBytes: 1 };
    const cached = createApp({ deviceApi: { store, credentials: deviceCredentials({ store }), payloads, limits } });
    cached.get('/bare', async () => ({ action: null, pollSeconds: 300 }));
    // Its own memories, empty until its row: first looks at random devices.
    const fresh = createApp({ deviceApi: { store, credentials: deviceCredentials({ store }), payloads, limits } });
    // The caches off: every poll reads the credential, the device and its actions.
    const uncached = createApp({ deviceApi: { store, credentials: deviceCredentials({ store, cacheMs: 0 }), limits } });
    const apps: FastifyInstance[] = [cached, fresh, uncached];
    for (const app of apps) await app.ready();
    const any = () => ({ authorization: `Bearer ${tokens[Math.floor(Math.random() * tokens.length)]}` });
    const one = { authorization: `Bearer ${tokens[0]}` };
    await run('warm-up', cached, '/device/v1/poll', any, Math.min(1, seconds));
    const bare = await run('bare route', cached, '/bare', () => ({}), seconds);
    const same = await run('poll, same device', cached, '/device/v1/poll', () => one, seconds);
    const firstLook = await run('poll, random device, first look', fresh, '/device/v1/poll', any, seconds);
    const w = performance.now();
    const warmFailures = await pollEach(cached, tokens);
    const fleetPolledSeconds = Math.round((performance.now() - w) / 100) / 10;
    const results = [
      bare,
      same,
      firstLook,
      await run('poll, random device, every device polled once', cached, '/device/v1/poll', any, seconds),
      await run('poll, random device, caches off, no campaigns', uncached, '/device/v1/poll', any, seconds),
    ].map((r) => ({ ...r, ratioToBare: Math.round((r.requestsPerSec / bare.requestsPerSec) * 100) / 100 }));
    for (const app of apps) await app.close();
    return {
      devices,
      registerSeconds,
      fleetPolledSeconds,
      warmFailures,
      concurrency: CONCURRENCY,
      goal: { pollsPerSec: 10_000, ratioToBare: 0.5 },
      results,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
