/**
 * The IoTopia server as one process: the store (embedded SQLite in the data directory, or
 * PostgreSQL), the server's keys, the FDO roles it plays over HTTP (`roles/`), the management API,
 * health and metrics, and the timers that sweep expired sessions and refresh TO0 registrations.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { complianceServices } from '../../compliance/compliance-services.ts';
import type { RandomSource } from '../../fdo/protocol/ports.ts';
import type { Keystore } from '../../keystore/keystore.ts';
import { openKeystore } from '../../keystore/open-keystore.ts';
import { CAMPAIGN_TICK_MS, startCampaignTicks } from '../../lifecycle/campaigns/runner.ts';
import { deviceCredentials } from '../../lifecycle/device-credentials.ts';
import type { ReleaseService } from '../../lifecycle/releases/service.ts';
import type { DiAuthorisationPolicy } from '../../onboarding/di-authorisation.ts';
import { type OnboardedFeed, onboardedFeed } from '../../onboarding/onboarded-feed.ts';
import { storeOwnerKeyRing } from '../../onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../onboarding/owner-vouchers.ts';
import { sealPlainSecretSettings } from '../../onboarding/secret-settings.ts';
import type { To0Refresh } from '../../onboarding/to0-refresh.ts';
import { storedTo2Address } from '../../onboarding/to2-address.ts';
import { ensurePlatformKeys, type PlatformKeys } from '../../platform/keys.ts';
import { ensureFirstAdminToken } from '../../platform/tokens.ts';
import type { Store } from '../../store/store.ts';
import type { DemoStatusSource } from '../api/demo.ts';
import { createApp } from '../app.ts';
import type { FdoRoles, FdoTransportOptions } from '../fdo/fdo-transport.ts';
import { registerMudServing } from '../mud/serve.ts';
import { type ListenerName, type ListenerSpec, listenerServerFactory } from '../transport/listener.ts';
import { serverAddresses } from './addresses.ts';
import type { PlatformConfig, TransportConfig } from './config.ts';
import { healthRoutes } from './health.ts';
import { DEFAULT_LIMITS } from './limits-config.ts';
import { listenAll, type PlatformListener } from './listeners.ts';
import { createMetrics, type PlatformMetrics } from './metrics.ts';
import { openData, redact, type SettledConfig, settledConfig } from './open-data.ts';
import { readOutboundTlsCa } from './outbound-tls.ts';
import { campaignMetrics } from './roles/campaign-metrics.ts';
import type { RoleContext } from './roles/context.ts';
import { type IntentPorts, type IntentRole, intentRole } from './roles/intent.ts';
import type { IntentForward } from './roles/intent-relay.ts';
import { manufacturerRole } from './roles/manufacturer.ts';
import { type OwnerRole, ownerRole } from './roles/owner.ts';
import { releasesRole } from './roles/releases.ts';
import { rendezvousRole, serverDefaultAcceptance } from './roles/rendezvous.ts';
import { type ServerTls, serverTls } from './tls.ts';

export type { DemoStatusSource, DemoView } from '../api/demo.ts';
export { prepareFirstStart } from './first-start.ts';
export { openData, type SettledConfig, SQLITE_FILE } from './open-data.ts';
export { startWorkers, WorkerStartError } from './workers/primary.ts';

export interface Platform {
  app: FastifyInstance;
  store: Store;
  keys: PlatformKeys;
  /** The base URL devices use (https://host:port with TLS, http:// without). */
  url: string;
  /** Every listener: the main one, and the factory listener (DI only) when configured. */
  listeners: PlatformListener[];
  /** All listeners are bound to loopback addresses. */
  loopbackOnly: boolean;
  /** With TLS: the SHA-256 fingerprint of the server certificate in use, and the platform TLS CA's file when the platform made it. */
  tls?: { fingerprint: string; caFile?: string; created: string[] };
  /** Where the data lives, for the start-up message. */
  database: string;
  masterKey: { created: boolean; source: string };
  /** The admin API token made on the very first start; shown once, the store keeps only its hash. */
  firstAdminToken?: string;
  /** The owner's TO0 refresh job (owner role only); runs on a timer unless the interval is 0. */
  to0Refresh?: To0Refresh;
  /** The MUD manager (intent role only). */
  intent?: IntentRole;
  /** Whether DI is open on loopback without a credential, and whether auto-owner runs (it needs both roles). */
  manufacturing: { loopbackOnly: boolean; autoOwner: boolean };
  /** Devices whose TO2 ended here, announced after the outcome committed. */
  onboarded: OnboardedFeed;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  logger?: FastifyBaseLogger;
  random?: RandomSource;
  /** The server's clock (default: the system's); tests move it to see registrations run out. */
  clock?: () => Date;
  /**
   * false: the DI rule and the auto-owner default treat the server as not loopback-only even when
   * it listens on loopback (tests of a server on a public address). It can only narrow: on a
   * non-loopback listen host the server is never loopback-only.
   */
  loopbackOnly?: false;
  /** The intent role's nftables, resolver or MUD fetcher replaced (tests). */
  intentPorts?: IntentPorts;
  /**
   * false: this process serves requests only; the timers (sweeps, TO0 refresh, campaign ticks) and
   * the intent role's tick and traffic watch run in another (the lead worker, ADR 0032). Default true.
   */
  backgroundJobs?: boolean;
  /**
   * Set in a worker that is not the lead: carries the intent manager's changing calls to the lead,
   * which runs them (roles/intent-relay.ts, ADR 0032). Absent: this process runs its own.
   */
  intentForward?: IntentForward;
  /** Labels every metric of this process carries (a worker's id: /metrics shows one process's counts). */
  metricLabels?: Record<string, string>;
  /** The demo's state (`iotopia up --demo`), served read-only at GET /api/v1/demo. */
  demo?: DemoStatusSource;
}

/** How often sessions and rendezvous registrations that ran out are deleted. */
const SWEEP_EVERY_MS = 60_000;

export async function startPlatform(requested: PlatformConfig, options: StartOptions = {}): Promise<Platform> {
  const config = await settledConfig(requested);
  const outboundTlsCa = readOutboundTlsCa(config.transport.outboundTlsCa);
  const env = options.env ?? process.env;
  const { store, token, master, database } = await openData(config, env, options.logger);
  let tls: ServerTls | undefined;
  let keystore: Keystore | undefined = token;
  try {
    keystore ??= openKeystore({ backend: 'software' }, store.keys, env);
    const keys = await ensurePlatformKeys(store, config.keyType, keystore);
    const firstAdmin = await ensureFirstAdminToken(store);
    tls = config.transport.tls ? await serverTls(config, store, (options.clock ?? (() => new Date()))(), options.logger) : undefined;
    const sealedNow = await sealPlainSecretSettings(store);
    if (sealedNow.length > 0) options.logger?.info({ settings: sealedNow }, 'secret settings stored plain are sealed now');
    const ctx = roleContext(config, store, keys, options, { keystore, outboundTlsCa });
    const diPolicy = { loopbackOnly: options.loopbackOnly !== false && config.transport.loopbackOnly };
    const autoOwner =
      (config.autoOwner ?? diPolicy.loopbackOnly) && config.roles.includes('manufacturer') && config.roles.includes('owner');
    const { roles, owner } = await fdoRoles(ctx, { diPolicy, autoOwner });
    const metrics = createMetrics(options.metricLabels);
    if (owner !== undefined) campaignMetrics(metrics.registry, store);
    const intent = config.roles.includes('intent')
      ? intentRole(ctx, metrics.registry, options.intentPorts, options.intentForward)
      : undefined;
    const releases = config.roles.includes('owner') ? await releasesRole(ctx, keystore) : undefined;
    const compliance = complianceRole(ctx, keystore, tls !== undefined, releases);
    const { app, apps } = platformApps(ctx, roles, owner, listenerPlan(config.transport, config, tls), metrics, {
      intent,
      releases,
      compliance,
      ...(options.demo === undefined ? {} : { demo: options.demo }),
    });
    const running = await listenAll(apps, tls);
    const jobs = options.backgroundJobs !== false;
    const stopTimers = jobs ? startTimers(ctx, owner) : async () => {};
    try {
      if (jobs) intent?.start();
    } catch (e) {
      // A capture interface that cannot be read fails the start, with nothing left listening.
      await stopTimers();
      await running.close();
      throw e;
    }
    return {
      app,
      store,
      keys,
      url: ctx.url,
      listeners: running.listeners,
      loopbackOnly: config.transport.loopbackOnly,
      ...(tls === undefined ? {} : { tls: platformTls(tls) }),
      database: config.database === undefined ? database : redact(config.database),
      masterKey: { created: master.created, source: master.source },
      ...(firstAdmin === undefined ? {} : { firstAdminToken: firstAdmin.secret }),
      ...(owner === undefined ? {} : { to0Refresh: owner.refresh }),
      ...(intent === undefined ? {} : { intent }),
      manufacturing: { loopbackOnly: diPolicy.loopbackOnly, autoOwner },
      onboarded: ctx.onboarded,
      async close() {
        await intent?.stop();
        await stopTimers();
        tls?.close();
        await running.close();
        await store.close();
        await keystore?.close();
      },
    };
  } catch (e) {
    tls?.close();
    await store.close();
    await keystore?.close();
    throw e;
  }
}

type ComplianceRole = Partial<Pick<ReturnType<typeof complianceServices>, 'products' | 'assessments'>>;

/**
 * Products and assessments, where a maker's or an owner's role runs. Keys are sealed at rest by the
 * master key (software keystore) or kept in a token (PKCS#11); the device API and the management API
 * share the main listener, so its TLS is theirs.
 */
function complianceRole(ctx: RoleContext, keystore: Keystore, tls: boolean, releases: ReleaseService | undefined): ComplianceRole {
  const { roles } = ctx.config;
  if (!roles.includes('manufacturer') && !roles.includes('owner')) return {};
  const authority = releases?.releases.authority.coseKey;
  const { products, assessments } = complianceServices({
    store: ctx.store,
    clock: ctx.clock,
    platform: {
      keysSealed: { sealed: true, backend: keystore.backend === 'pkcs11' ? 'pkcs11' : 'secret-box' },
      tls: { deviceApi: tls, managementApi: tls },
    },
    updateAnchors: [...(authority === undefined ? [] : [authority]), ...(releases?.releases.extraAnchors ?? [])],
  });
  return { products, assessments };
}

/** The main listener's app (FDO roles, management API, MUD files, health) and, when configured, the factory listener's. */
function platformApps(
  ctx: RoleContext,
  roles: FdoRoles,
  owner: OwnerRole | undefined,
  listeners: ReturnType<typeof listenerPlan>,
  metrics: PlatformMetrics,
  {
    intent,
    releases,
    compliance,
    demo,
  }: { intent: IntentRole | undefined; releases: ReleaseService | undefined; compliance: ComplianceRole; demo?: DemoStatusSource },
) {
  const { config, store, keys } = ctx;
  const limits = config.limits ?? DEFAULT_LIMITS;
  const mainListener = listeners[0] as (typeof listeners)[number];
  const fdo = {
    roles,
    sessions: store.sessions,
    clock: ctx.clock,
    random: ctx.random,
    observe: metrics.observe,
    limits: { maxOpenSessions: limits.maxSessions, starts: { perPeer: limits.fdoStartPerPeer, global: limits.fdoStartGlobal } },
    ...logOf(ctx),
  };
  const app = createApp({
    fdo,
    apiLimits: { requestsPerMinute: limits.apiPerClient, failedLoginsPerMinute: limits.failedLoginsPerPeer },
    trustProxy: limits.trustProxy,
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
      ...(intent === undefined ? {} : { intent: intent.manager }),
      deviceCredentials: ctx.deviceCredentials,
      ...(releases === undefined ? {} : { releases }),
      ...compliance,
      ...(demo === undefined ? {} : { demo }),
    },
    // The device API belongs to the owner: its devices got their credentials in its TO2.
    ...(owner === undefined
      ? {}
      : {
          deviceApi: {
            store,
            credentials: ctx.deviceCredentials,
            ...(releases === undefined ? {} : { payloads: releases.payloads }),
            limits: { requestsPerMinute: limits.apiPerClient, failedLoginsPerMinute: limits.failedLoginsPerPeer },
          },
        }),
    // The console is a page over the management API: served wherever the API is.
    console: {},
    ...(ctx.log === undefined ? {} : { logger: ctx.log }),
    ...mainListener.app,
  });
  if (config.roles.includes('mud')) registerMudServing(app, store);
  app.register(healthRoutes({ store, roles: config.roles, metrics }));
  const apps = [{ spec: mainListener.spec, app }];
  const factory = listeners[1];
  if (factory !== undefined && roles.manufacturer !== undefined)
    apps.push(factoryApp(ctx, { ...fdo, roles: { manufacturer: roles.manufacturer } }, factory));
  return { app, apps };
}

/** The factory listener's app: the FDO transport with the manufacturer role only, so it answers DI and nothing else. */
function factoryApp(ctx: RoleContext, fdo: FdoTransportOptions, factory: ReturnType<typeof listenerPlan>[number]) {
  const app = createApp({ fdo, ...(ctx.log === undefined ? {} : { logger: ctx.log }), ...factory.app });
  return { spec: factory.spec, app };
}

const logOf = (ctx: RoleContext) => (ctx.log === undefined ? {} : { log: ctx.log });

/** What the platform tells about its TLS; the fingerprint follows a reloaded certificate. */
function platformTls(tls: ServerTls): NonNullable<Platform['tls']> {
  return {
    get fingerprint() {
      return tls.fingerprint();
    },
    ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }),
    created: tls.created,
  };
}

/** The listeners to open: the main one first, then the factory listener (with its client CA) when configured. */
function listenerPlan(t: TransportConfig, config: SettledConfig, tls: ServerTls | undefined) {
  const at: { name: ListenerName; host: string; port: number; clientCa?: string | undefined }[] = [
    { name: 'main', host: config.host, port: config.port },
  ];
  if (t.factoryListen !== undefined) at.push({ name: 'factory', ...t.factoryListen, clientCa: tls?.factoryClientCa });
  return at.map((l) => {
    const spec: ListenerSpec = {
      name: l.name,
      host: l.host,
      port: l.port,
      timeouts: t.timeouts,
      ...(tls === undefined ? {} : { tls: tls.current() }),
      ...(l.clientCa === undefined ? {} : { clientCa: l.clientCa }),
    };
    const security = {
      listener: l.name,
      tls: tls !== undefined,
      ...(t.allowedHosts === undefined ? {} : { allowedHosts: t.allowedHosts }),
    };
    return { spec, app: { security, serverFactory: listenerServerFactory(spec) } };
  });
}

function roleContext(
  config: SettledConfig,
  store: Store,
  keys: PlatformKeys,
  options: StartOptions,
  more: { keystore: Keystore; outboundTlsCa: string | undefined },
): RoleContext {
  const addresses = serverAddresses(config, config.transport.tls);
  const stored = storedTo2Address(store, addresses.to2Address);
  const onboarded = onboardedFeed(options.logger);
  return {
    config,
    store,
    keys,
    random: options.random ?? ((n: number) => new Uint8Array(randomBytes(n))),
    clock: options.clock ?? (() => new Date()),
    ...(options.logger === undefined ? {} : { log: options.logger }),
    url: addresses.url,
    loopbackOnly: config.transport.loopbackOnly,
    defaultRvInfo: addresses.rvInfo,
    defaultTo2Address: addresses.to2Address,
    currentTo2Address: async () => (await stored()).addr,
    onboarded,
    ownerVouchers: storeOwnerVoucherStore(store, { afterOnboarded: (d) => onboarded.publish(d) }),
    ownerKeyRing: storeOwnerKeyRing(store, more.keystore),
    deviceCredentials: deviceCredentials({ store, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    serviceInfoDir: config.serviceInfoDir ?? join(config.dataDir, 'serviceinfo'),
    // Loopback rendezvous addresses are this host's own only while nothing beyond it can reach the API.
    rendezvousAddresses: { allowInternal: config.allowInternalRendezvous ?? false, loopbackServer: config.transport.loopbackOnly },
    ...(more.outboundTlsCa === undefined ? {} : { outboundTlsCa: more.outboundTlsCa }),
  };
}

/** The FDO roles this server plays, each built by its own module. */
async function fdoRoles(
  ctx: RoleContext,
  m: { diPolicy: DiAuthorisationPolicy; autoOwner: boolean },
): Promise<{ roles: FdoRoles; owner?: OwnerRole }> {
  const has = (r: PlatformConfig['roles'][number]) => ctx.config.roles.includes(r);
  const roles: FdoRoles = {};
  if (has('rendezvous')) roles.rendezvous = rendezvousRole(ctx);
  const owner = has('owner') ? ownerRole(ctx, roles.rendezvous) : undefined;
  if (owner !== undefined) roles.owner = owner.handlers;
  if (has('manufacturer')) {
    roles.manufacturer = await manufacturerRole(ctx, { autoOwner: m.autoOwner, rendezvous: roles.rendezvous, diPolicy: m.diPolicy });
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
  // The owner's devices are the ones campaigns update.
  const stopCampaigns =
    owner === undefined
      ? undefined
      : startCampaignTicks(
          { store, clock, log: (level, message, fields) => log?.[level](fields, message) },
          (ctx.config.campaignTickInterval ?? CAMPAIGN_TICK_MS / 1000) * 1000,
        );
  return async () => {
    clearInterval(sweep);
    await stopCampaigns?.();
    await owner?.refresh.stop();
  };
}
