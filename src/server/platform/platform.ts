/**
 * The IoTopia server as one process: the store (embedded SQLite in the data directory, or
 * PostgreSQL), the server's keys, the FDO roles it plays over HTTP (`roles/`), the management API,
 * health and metrics, and the timers that sweep expired sessions and refresh TO0 registrations.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { RandomSource } from '../../fdo/protocol/ports.ts';
import { isLoopbackHost } from '../../onboarding/address-policy.ts';
import { storeOwnerKeyRing } from '../../onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../onboarding/owner-vouchers.ts';
import type { To0Refresh } from '../../onboarding/to0-refresh.ts';
import { storedTo2Address } from '../../onboarding/to2-address.ts';
import { ensurePlatformKeys, type PlatformKeys } from '../../platform/keys.ts';
import { loadMasterKey } from '../../platform/master-key.ts';
import { ensureFirstAdminToken } from '../../platform/tokens.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createApp } from '../app.ts';
import type { FdoRoles } from '../fdo/fdo-transport.ts';
import { registerMudServing } from '../mud/serve.ts';
import { serverAddresses } from './addresses.ts';
import type { PlatformConfig } from './config.ts';
import { healthRoutes } from './health.ts';
import { createMetrics } from './metrics.ts';
import type { RoleContext } from './roles/context.ts';
import { manufacturerRole } from './roles/manufacturer.ts';
import { type OwnerRole, ownerRole } from './roles/owner.ts';
import { rendezvousRole, serverDefaultAcceptance } from './roles/rendezvous.ts';

export interface Platform {
  app: FastifyInstance;
  store: Store;
  keys: PlatformKeys;
  /** The base URL devices use (http://host:port). */
  url: string;
  /** Where the data lives, for the start-up message. */
  database: string;
  masterKey: { created: boolean; source: string };
  /** The admin API token made on the very first start; shown once, the store keeps only its hash. */
  firstAdminToken?: string;
  /** The owner's TO0 refresh job (owner role only); runs on a timer unless the interval is 0. */
  to0Refresh?: To0Refresh;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  logger?: FastifyBaseLogger;
  random?: RandomSource;
  /** The server's clock (default: the system's); tests move it to see registrations run out. */
  clock?: () => Date;
}

export const SQLITE_FILE = 'iotopia.db';

/** How often sessions and rendezvous registrations that ran out are deleted. */
const SWEEP_EVERY_MS = 60_000;

export async function startPlatform(requested: PlatformConfig, options: StartOptions = {}): Promise<Platform> {
  // Devices are told the port in vouchers, so an "any free port" request is settled first.
  const config = requested.port === 0 ? { ...requested, port: await freePort(requested.host) } : requested;
  const master = loadMasterKey(config.dataDir, options.env ?? process.env);
  const database = config.database ?? join(config.dataDir, SQLITE_FILE);
  const store = await openStore(config.database === undefined ? { path: database } : { url: config.database }, { kek: master.key });
  try {
    const keys = await ensurePlatformKeys(store, config.keyType);
    const firstAdmin = await ensureFirstAdminToken(store);
    const ctx = roleContext(config, store, keys, options);
    const { roles, owner } = await fdoRoles(ctx);
    const metrics = createMetrics();
    const app = createApp({
      fdo: { roles, sessions: store.sessions, clock: ctx.clock, random: ctx.random, observe: metrics.observe, ...logOf(ctx) },
      api: {
        store,
        manufacturerKeys: keys.manufacturer.map((k) => k.privateKey),
        ownerKeys: keys.owner.map((k) => k.privateKey),
        defaultAcceptance: serverDefaultAcceptance(config, keys),
        rendezvousAddresses: ctx.rendezvousAddresses,
        clock: ctx.clock,
        defaultRvInfo: ctx.defaultRvInfo,
        defaultTo2Address: ctx.defaultTo2Address,
        serviceInfoDir: ctx.serviceInfoDir,
        ...(config.to0RefreshMargin === undefined ? {} : { to0RefreshMargin: config.to0RefreshMargin }),
        ...(owner === undefined ? {} : { register: owner.register }),
      },
      ...(ctx.log === undefined ? {} : { logger: ctx.log }),
    });
    if (config.roles.includes('mud')) registerMudServing(app, store);
    app.register(healthRoutes({ store, roles: config.roles, metrics }));
    await app.listen({ host: config.host, port: config.port });
    const stopTimers = startTimers(ctx, owner);
    return {
      app,
      store,
      keys,
      url: ctx.url,
      database: config.database === undefined ? database : redact(config.database),
      masterKey: { created: master.created, source: master.source },
      ...(firstAdmin === undefined ? {} : { firstAdminToken: firstAdmin.secret }),
      ...(owner === undefined ? {} : { to0Refresh: owner.refresh }),
      async close() {
        await stopTimers();
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

const logOf = (ctx: RoleContext) => (ctx.log === undefined ? {} : { log: ctx.log });

function roleContext(config: PlatformConfig, store: Store, keys: PlatformKeys, options: StartOptions): RoleContext {
  const addresses = serverAddresses(config);
  const stored = storedTo2Address(store, addresses.to2Address);
  return {
    config,
    store,
    keys,
    random: options.random ?? ((n: number) => new Uint8Array(randomBytes(n))),
    clock: options.clock ?? (() => new Date()),
    ...(options.logger === undefined ? {} : { log: options.logger }),
    url: addresses.url,
    defaultRvInfo: addresses.rvInfo,
    defaultTo2Address: addresses.to2Address,
    currentTo2Address: async () => (await stored()).addr,
    ownerVouchers: storeOwnerVoucherStore(store),
    ownerKeyRing: storeOwnerKeyRing(store),
    serviceInfoDir: config.serviceInfoDir ?? join(config.dataDir, 'serviceinfo'),
    // Loopback rendezvous addresses are this host's own only while nothing beyond it can reach the API.
    rendezvousAddresses: { allowInternal: config.allowInternalRendezvous ?? false, loopbackServer: isLoopbackHost(config.host) },
  };
}

/** The FDO roles this server plays, each built by its own module. */
async function fdoRoles(ctx: RoleContext): Promise<{ roles: FdoRoles; owner?: OwnerRole }> {
  const has = (r: PlatformConfig['roles'][number]) => ctx.config.roles.includes(r);
  const roles: FdoRoles = {};
  if (has('rendezvous')) roles.rendezvous = rendezvousRole(ctx);
  const owner = has('owner') ? ownerRole(ctx, roles.rendezvous) : undefined;
  if (owner !== undefined) roles.owner = owner.handlers;
  if (has('manufacturer')) {
    roles.manufacturer = await manufacturerRole(ctx, { autoOwner: ctx.config.autoOwner && has('owner'), rendezvous: roles.rendezvous });
  }
  return { roles, ...(owner === undefined ? {} : { owner }) };
}

/** The sweep of expired sessions and registrations, and the TO0 refresh job; resolves a stop function. */
function startTimers(ctx: RoleContext, owner: OwnerRole | undefined): () => Promise<void> {
  const { store, clock, log } = ctx;
  // Devices that went away mid-protocol leave sessions behind; sweep them now and then.
  const sweep = setInterval(() => {
    const now = clock();
    void store.sessions.deleteExpired(now).catch((e: unknown) => log?.warn({ err: e }, 'expired session sweep failed'));
    void store.rendezvous.deleteExpired(now).catch((e: unknown) => log?.warn({ err: e }, 'expired registration sweep failed'));
  }, SWEEP_EVERY_MS);
  sweep.unref();
  if (owner !== undefined && owner.refreshEvery > 0) owner.refresh.start(owner.refreshEvery * 1000);
  return async () => {
    clearInterval(sweep);
    await owner?.refresh.stop();
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A database URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
