/**
 * The IoTopia server as one process: the store (embedded SQLite in the data directory, or
 * PostgreSQL), the server's keys, the FDO roles it plays over HTTP, health and metrics.
 */
import { randomBytes } from 'node:crypto';
import { createServer, isIP } from 'node:net';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { RVProtocolValue, TransportProtocol } from '../../fdo/constants/rendezvous.ts';
import { createDiManufacturer } from '../../fdo/protocol/di-manufacturer.ts';
import type { RandomSource } from '../../fdo/protocol/ports.ts';
import { createTo0Rendezvous } from '../../fdo/protocol/to0-rendezvous.ts';
import { createTo1Rendezvous } from '../../fdo/protocol/to1-rendezvous.ts';
import { createTo2Owner } from '../../fdo/protocol/to2-owner.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { type RendezvousInfo, rendezvousDirectiveFromView } from '../../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../fdo/types/rv-to2-addr.ts';
import { storeManufacturerVoucherStore } from '../../onboarding/manufacturer-vouchers.ts';
import { storeOwnerKeyRing } from '../../onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../onboarding/owner-vouchers.ts';
import { storeRendezvousStore } from '../../onboarding/rendezvous-registrations.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { storedServiceInfoPlans } from '../../onboarding/serviceinfo-choice.ts';
import { ownerServiceInfoPorts } from '../../onboarding/serviceinfo-files.ts';
import { ownerRegistrar } from '../../onboarding/to0-registrar.ts';
import { storedTo2Address } from '../../onboarding/to2-address.ts';
import { ensureFirstAdminToken } from '../../platform/tokens.ts';
import { createApp } from '../app.ts';
import type { FdoRoles, RoleHandler } from '../fdo/fdo-transport.ts';
import { registerMudServing } from '../mud/serve.ts';
import { storedAcceptance } from '../../onboarding/acceptance.ts';
import { type AutoOwnerOptions, sweepAutoOwner, withAutoOwner } from '../../onboarding/auto-owner.ts';
import type { PlatformConfig } from './config.ts';
import { diWithStoredRvInfo } from '../../onboarding/di-rv-info.ts';
import { ensurePlatformKeys, type PlatformKeys } from '../../platform/keys.ts';
import { loadMasterKey } from '../../platform/master-key.ts';
import { createMetrics } from './metrics.ts';
import { createTo0Refresh, DEFAULT_TO0_REFRESH_INTERVAL_S, DEFAULT_TO0_REFRESH_MARGIN, type To0Refresh } from '../../onboarding/to0-refresh.ts';

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

export async function startPlatform(requested: PlatformConfig, options: StartOptions = {}): Promise<Platform> {
  // Devices are told the port in vouchers, so an "any free port" request is settled first.
  const config = requested.port === 0 ? { ...requested, port: await freePort(requested.host) } : requested;
  const env = options.env ?? process.env;
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const clock = options.clock ?? (() => new Date());
  const master = loadMasterKey(config.dataDir, env);
  const database = config.database ?? join(config.dataDir, SQLITE_FILE);
  const store = await openStore(config.database === undefined ? { path: database } : { url: config.database }, { kek: master.key });
  try {
    const keys = await ensurePlatformKeys(store, config.keyType);
    const firstAdmin = await ensureFirstAdminToken(store);
    const host = config.publicHost ?? (config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host);
    const has = (r: string) => config.roles.includes(r as PlatformConfig['roles'][number]);
    const rvInfo: RendezvousInfo = [
      rendezvousDirectiveFromView({
        ...(isIP(host) ? { ipAddress: host } : { dns: host }),
        devPort: config.port,
        ownerPort: config.port,
        protocol: RVProtocolValue.RVProtHttp,
      }),
    ];
    const to2Address: RvTo2Addr = [
      { ...(isIP(host) ? { ip: host } : { dns: host }), port: config.port, protocol: TransportProtocol.ProtHTTP },
    ];
    const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${config.port}`;
    const currentTo2Address = async () => (await storedTo2Address(store, to2Address)()).addr;
    const serviceInfoDir = config.serviceInfoDir ?? join(config.dataDir, 'serviceinfo');
    const roles: FdoRoles = {};
    const log = options.logger;
    const ownerStore = storeOwnerVoucherStore(store);
    const ownerKeyRing = storeOwnerKeyRing(store);
    if (has('rendezvous')) {
      const rv = storeRendezvousStore(store);
      roles.rendezvous = {
        to0: createTo0Rendezvous({ random, clock, store: rv, acceptance: storedAcceptance(store) }) as RoleHandler,
        to1: createTo1Rendezvous({ random, clock, store: rv }) as RoleHandler,
      };
    }
    if (has('owner')) {
      roles.owner = {
        to2: createTo2Owner({
          vouchers: ownerStore,
          keys: ownerKeyRing,
          random,
          clock,
          policy: { serviceInfoPlans: storedServiceInfoPlans(store) },
          serviceInfoPorts: ownerServiceInfoPorts({ store, serviceInfoDir, uploadDir: join(config.dataDir, 'uploads') }),
        }) as RoleHandler,
      };
    }
    if (has('manufacturer')) {
      const vouchers = storeManufacturerVoucherStore(store);
      const auto = config.autoOwner && has('owner');
      const autoOwner: AutoOwnerOptions = {
        store,
        manufacturerKeys: keys.manufacturer,
        ownerKeys: keys.owner,
        ownerStore,
        ownerKeyRing,
        ...(roles.rendezvous === undefined ? {} : { to0: roles.rendezvous.to0 }),
        to2Address: currentTo2Address,
        clock,
        onError: (error, guid) => log?.error({ err: error, guid: guidToHex(guid) }, 'automatic owner registration failed'),
      };
      // Finish what a process killed between a DI commit and its automatic extension left undone.
      if (auto) {
        const swept = await sweepAutoOwner(store, autoOwner);
        if (swept.imported + swept.registered + swept.failed > 0) log?.warn(swept, 'start-up sweep of automatic owner registration');
      }
      roles.manufacturer = {
        di: diWithStoredRvInfo(
          store,
          rvInfo,
          clock,
          (stored) =>
            createDiManufacturer({
              random,
              clock,
              store: auto ? withAutoOwner(vouchers, autoOwner) : vouchers,
              rvInfo: stored,
              deviceCa: { privateKey: keys.deviceCa.privateKey, chain: [keys.deviceCa.certificate] },
              manufacturerKeys: keys.manufacturer.map((k) => ({ privateKey: k.privateKey, chain: k.chain })),
            }) as RoleHandler,
        ),
      };
    }
    const register = has('owner')
      ? ownerRegistrar({
          store,
          keyRing: ownerKeyRing,
          to2Address: currentTo2Address,
          ...(roles.rendezvous === undefined ? {} : { self: { to0: roles.rendezvous.to0, urls: [url] } }),
        })
      : undefined;
    const metrics = createMetrics();
    const app = createApp({
      fdo: { roles, sessions: store.sessions, clock, random, observe: metrics.observe, ...(log === undefined ? {} : { log }) },
      api: {
        store,
        manufacturerKeys: keys.manufacturer.map((k) => k.privateKey),
        ownerKeys: keys.owner.map((k) => k.privateKey),
        clock,
        defaultRvInfo: rvInfo,
        defaultTo2Address: to2Address,
        serviceInfoDir,
        ...(register === undefined ? {} : { register }),
      },
      ...(log === undefined ? {} : { logger: log }),
    });
    if (has('mud')) registerMudServing(app, store);
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      try {
        await store.keys.list();
        return { status: 'ready', roles: config.roles };
      } catch {
        return reply.code(503).send({ status: 'not ready', reason: 'the database does not answer' });
      }
    });
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
    await app.listen({ host: config.host, port: config.port });
    // Devices that went away mid-protocol leave sessions behind; sweep them now and then.
    const sweep = setInterval(() => {
      const now = clock();
      void store.sessions.deleteExpired(now).catch((e: unknown) => log?.warn({ err: e }, 'expired session sweep failed'));
      void store.rendezvous.deleteExpired(now).catch((e: unknown) => log?.warn({ err: e }, 'expired registration sweep failed'));
    }, 60_000);
    sweep.unref();
    const to0Refresh =
      register === undefined
        ? undefined
        : createTo0Refresh({
            store,
            register,
            clock,
            margin: config.to0RefreshMargin ?? DEFAULT_TO0_REFRESH_MARGIN,
            ...(log === undefined ? {} : { log }),
          });
    const refreshEvery = config.to0RefreshInterval ?? DEFAULT_TO0_REFRESH_INTERVAL_S;
    if (refreshEvery > 0) to0Refresh?.start(refreshEvery * 1000);
    return {
      app,
      store,
      keys,
      url,
      database: config.database === undefined ? database : redact(config.database),
      masterKey: { created: master.created, source: master.source },
      ...(firstAdmin === undefined ? {} : { firstAdminToken: firstAdmin.secret }),
      ...(to0Refresh === undefined ? {} : { to0Refresh }),
      async close() {
        clearInterval(sweep);
        await to0Refresh?.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
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
