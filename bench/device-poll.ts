/**
 * The device API's poll: requests per second through Fastify's inject (no sockets, so the server's
 * own cost), for a bare route on the same app (security headers, no authentication) and for
 * `GET /device/v1/poll` with a device bearer credential, with N devices registered (default
 * 100 000, `--devices N`): the same device again and again (its credential remembered), a random
 * device each time, and a random device with the credential cache off. Rate limits are off, so
 * the numbers are authentication and routing only. SQLite file store in a temporary directory.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { deviceCredentials, newDeviceToken } from '../src/lifecycle/device-credentials.ts';
import { databasePayloadStorage } from '../src/lifecycle/releases/database-storage.ts';
import { createApp } from '../src/server/app.ts';
import { hashSecret } from '../src/store/hash-secret.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';

const CONCURRENCY = 16;
const BATCH = 2000;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i < 0 ? undefined : Number(args[i + 1]);
  return v === undefined || !Number.isInteger(v) || v < 1 ? fallback : v;
}

/** N active devices, each with a live credential; resolves with their tokens. */
async function register(store: Store, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let start = 0; start < n; start += BATCH) {
    await store.transaction(async (r) => {
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const guid = new Uint8Array(16);
        new DataView(guid.buffer).setUint32(12, i);
        guid[0] = 0xd0;
        const token = newDeviceToken();
        await r.devices.upsert({ guid, state: 'active' });
        await r.deviceCredentials.create({ guid, tokenHash: hashSecret(token), active: true });
        tokens.push(token);
      }
    });
  }
  return tokens;
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

export async function devicePollBench(seconds: number, args: readonly string[]) {
  const devices = option(args, '--devices', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-poll-'));
  const store = await openStore({ path: join(dir, 'bench.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
  try {
    const t = performance.now();
    const tokens = await register(store, devices);
    const registerSeconds = Math.round((performance.now() - t) / 100) / 10;
    const apps = [deviceCredentials({ store }), deviceCredentials({ store, cacheMs: 0 })].map((credentials) => {
      const app = createApp({ deviceApi: { store, credentials, limits: { requestsPerMinute: 0, failedLoginsPerMinute: 0 } } });
      app.get('/bare', async () => ({ action: null, pollSeconds: 300 }));
      return app;
    });
    const [cached, uncached] = apps as [FastifyInstance, FastifyInstance];
    // Campaigns on: each poll also looks for the device's actions (none here).
    const payloads = { payloads: store.payloads, storage: databasePayloadStorage(store.payloads), maxBytes: 1 };
    const withCampaigns = createApp({
      deviceApi: { store, credentials: deviceCredentials({ store }), payloads, limits: { requestsPerMinute: 0, failedLoginsPerMinute: 0 } },
    });
    apps.push(withCampaigns);
    for (const app of apps) await app.ready();
    const any = () => ({ authorization: `Bearer ${tokens[Math.floor(Math.random() * tokens.length)]}` });
    const one = { authorization: `Bearer ${tokens[0]}` };
    await run('warm-up', cached, '/device/v1/poll', () => one, Math.min(1, seconds));
    const results = [
      await run('bare route', cached, '/bare', () => ({}), seconds),
      await run('poll, same device', cached, '/device/v1/poll', () => one, seconds),
      await run('poll, random device', cached, '/device/v1/poll', any, seconds),
      await run('poll, random device, no credential cache', uncached, '/device/v1/poll', any, seconds),
      await run('poll, random device, campaigns on', withCampaigns, '/device/v1/poll', any, seconds),
    ];
    for (const app of apps) await app.close();
    return { devices, registerSeconds, concurrency: CONCURRENCY, results };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
