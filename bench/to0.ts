/**
 * The owner's TO0 work: one registration over HTTP with a second server on loopback (the
 * manufacturer and rendezvous), p50/p99 through the management API; and what a refresh pass costs
 * per registered voucher when none is due (the pass that runs every to0RefreshInterval), on SQLite
 * and, when IOTOPIA_TEST_PG_URL or `--database URL` names a server, PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateKeyPair } from '../src/crypto/key-generate.ts';
import { publicKeyOf } from '../src/crypto/private-key-handle.ts';
import { runDi } from '../src/fdo/client/flows.ts';
import { guidToHex } from '../src/fdo/types/guid.ts';
import { createTo0Refresh } from '../src/onboarding/to0-refresh.ts';
import { createApiToken } from '../src/platform/tokens.ts';
import { resolveConfig } from '../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../src/server/platform/platform.ts';
import { openStore } from '../src/store/open-store.ts';

const random = (n: number) => new Uint8Array(randomBytes(n));
const env = () => ({ IOTOPIA_MASTER_KEY: randomBytes(32).toString('hex') });
const percentile = (sorted: number[], q: number) => Math.round((sorted[Math.floor(q * (sorted.length - 1))] ?? 0) * 10) / 10;

async function start(dir: string, roles: string): Promise<Platform> {
  mkdirSync(dir, { recursive: true });
  return startPlatform(
    resolveConfig(['bench', { roles, listen: '127.0.0.1:0', dataDir: dir, logLevel: 'silent', autoOwner: false, to0RefreshInterval: '0' }]),
    {
      env: env(),
    },
  );
}

async function registrations(dir: string, count: number) {
  const rv = await start(join(dir, 'rv'), 'manufacturer,rendezvous');
  const owner = await start(join(dir, 'owner'), 'owner');
  try {
    const [mfg, own] = await Promise.all([
      createApiToken(rv.store, { name: 'bench', roles: ['manufacturer'] }),
      createApiToken(owner.store, { name: 'bench', roles: ['owner'] }),
    ]);
    const credential = await runDi(rv.url, {
      random,
      deviceKey: (await generateKeyPair('secp256r1')).privateKey,
      serialNumber: 'bench',
      model: 'bench',
    });
    const guid = guidToHex(credential.guid);
    const ownerKey = owner.keys.owner[0]?.privateKey;
    if (ownerKey === undefined) throw new Error('no owner key');
    const extended = await rv.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guid}/extend`,
      headers: { authorization: `Bearer ${mfg.secret}` },
      payload: { ownerKey: publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }).toString() },
    });
    const headers = { authorization: `Bearer ${own.secret}` };
    await owner.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers,
      payload: { voucher: (extended.json() as { pem: string }).pem },
    });
    const times: number[] = [];
    for (let i = 0; i < count + 5; i++) {
      const t = performance.now();
      const r = await owner.app.inject({ method: 'POST', url: `/api/v1/owner/vouchers/${guid}/register`, headers });
      if (r.statusCode !== 200) throw new Error(`register: ${r.body}`);
      if (i >= 5) times.push(performance.now() - t); // the first ones open connections
    }
    times.sort((a, b) => a - b);
    return { registrations: count, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
  } finally {
    await owner.close();
    await rv.close();
  }
}

async function refreshPass(location: string | { path: string }, database: string, vouchers: number) {
  const store = await openStore(location, { kek: random(32) });
  try {
    const until = new Date(Date.now() + 30 * 86_400_000);
    for (let i = 0; i < vouchers; i++) {
      const guid = random(16);
      await store.vouchers.put({ side: 'owner', guid, voucher: new Uint8Array([0x80]), state: 'registered' });
      await store.vouchers.setRegisteredUntil('owner', guid, until);
      const registeredAt = new Date(until.getTime() - 30 * 86_400_000);
      await store.to0Registrations.put({
        guid,
        rendezvous: 'http://rv.test',
        waitSeconds: 30 * 86_400,
        registeredAt,
        registeredUntil: until,
        refreshAt: new Date(until.getTime() - 7.5 * 86_400_000),
        lastAttemptAt: registeredAt,
        failures: 0,
      });
    }
    const job = createTo0Refresh({
      store,
      clock: () => new Date(),
      register: () => Promise.reject(new Error('nothing is due in this benchmark')),
    });
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      const run = await job.runOnce();
      times.push(performance.now() - t);
      // Nothing is due: the registrations repository lists nothing, and the pass reads no voucher.
      if (run.checked !== 0 || run.renewed.length + run.failed.length > 0) throw new Error('unexpected refresh pass');
    }
    times.sort((a, b) => a - b);
    const median = times[2] ?? 0;
    return { database, vouchers, passMs: Math.round(median), perVoucherUs: Math.round((median * 1000) / vouchers) };
  } finally {
    await store.close();
  }
}

export async function to0Bench(seconds: number, args: readonly string[]): Promise<Record<string, unknown>> {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-to0-'));
  try {
    const count = Number(flag('--count') ?? Math.max(20, Math.round(50 * seconds)));
    const vouchers = Number(flag('--vouchers') ?? 2000);
    const out: Record<string, unknown> = { register: await registrations(dir, count) };
    const passes = [await refreshPass({ path: join(dir, 'refresh.db') }, 'sqlite', vouchers)];
    const pgUrl = flag('--database') ?? process.env.IOTOPIA_TEST_PG_URL;
    if (pgUrl !== undefined && pgUrl !== '') {
      const name = `iotopia_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const u = new URL(pgUrl);
        u.pathname = `/${name}`;
        passes.push(await refreshPass(u.toString(), 'postgresql', vouchers));
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    } else {
      out.skipped = 'postgresql: neither IOTOPIA_TEST_PG_URL nor --database postgres://… was given';
    }
    out.refreshPass = passes;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
