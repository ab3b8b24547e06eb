/**
 * The `intent` role: the MUD manager programming this host's (or a namespace's) nftables, its DNS
 * resolver, and the timer that ticks it. Replicas of one gateway share a lease in the store; only
 * the holder programs the firewall, every replica serves the API.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { guidToHex } from '../../../fdo/types/guid.ts';
import { dnsResolver } from '../../../intent/dns/dns-resolver.ts';
import type { Enforcer, NameResolver } from '../../../intent/enforcement-ports.ts';
import { createIntentManager } from '../../../intent/manager/manager.ts';
import type { IntentLog, IntentManager, IntentManagerOptions } from '../../../intent/manager/types.ts';
import { nftEnforcer } from '../../../intent/nft/nft-enforcer.ts';
import { deviceRegistry } from '../../../lifecycle/registry.ts';
import type { OnboardedDevice } from '../../../onboarding/onboarded-feed.ts';
import { ConfigError } from '../../../platform/errors.ts';
import { effectiveDeviceInterfaces, type IntentConfig } from '../intent-config.ts';
import type { RoleContext } from './context.ts';
import { intentMetrics } from './intent-metrics.ts';
import { type IntentForward, relayedManager } from './intent-relay.ts';
import { type IntentWatch, startIntentWatch } from './intent-watch.ts';

/** What tests may put in place of the host's nftables, resolver or MUD fetcher. */
export interface IntentPorts {
  enforcer?: Enforcer;
  resolver?: NameResolver;
  fetcher?: IntentManagerOptions['fetcher'];
}

export interface IntentRole {
  manager: IntentManager;
  /** Reports the violations the traffic watch saw since the last tick (ticks do this too); resolves with how many. */
  flushWatch(): Promise<number>;
  /** Starts the traffic watch and the tick timer (the first tick at once). */
  start(): void;
  stop(): Promise<void>;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function pemBundle(file: string, setting: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${setting} (${file}): cannot be read: ${(e as Error).message}`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${setting} (${file}): holds no PEM certificate`);
  return blocks;
}

function fetchSettings(c: IntentConfig): IntentManagerOptions['fetch'] {
  return {
    unsigned: c.unsigned,
    lenient: c.lenient,
    signerTrustAnchors: c.mudSignerCa === undefined ? [] : pemBundle(c.mudSignerCa, 'intent-mud-signer-ca'),
    ...(c.mudServerCa === undefined ? {} : { serverCa: pemBundle(c.mudServerCa, 'intent-mud-server-ca').join('\n') }),
  };
}

/**
 * A device onboarded here with a MUD URL: the manager learns it with the device's GUID and the
 * address its TO2 came from; it joins the device the network knows at that address (a DHCP lease),
 * or waits for one. A device that declared no MUD URL is left to the other sources.
 */
async function onboardedDevice(manager: IntentManager, d: OnboardedDevice): Promise<void> {
  if (d.mudUrl === undefined || d.address === undefined) return;
  const family = isIP(d.address);
  if (family === 0) return;
  await manager.observe(
    {
      source: d.mudUrlSource ?? 'fdo',
      mudUrl: d.mudUrl,
      guid: guidToHex(d.replacementGuid),
      ...(family === 4 ? { ipv4: d.address } : { ipv6: d.address }),
    },
    'owner',
  );
}

/**
 * The intent role. `forward` is set in a worker that is not the lead (ADR 0032): it never starts,
 * and the changing calls of its manager run in the lead (intent-relay.ts).
 */
export function intentRole(ctx: RoleContext, registry: Registry, ports: IntentPorts = {}, forward?: IntentForward): IntentRole {
  const c = ctx.config.intent;
  if (c === undefined) throw new ConfigError('the intent role has no settings');
  const log = ctx.log;
  const intentLog: IntentLog = (level, message, fields) => log?.[level](fields ?? {}, message);
  const deviceInterfaces = effectiveDeviceInterfaces(c);
  const enforcer = ports.enforcer ?? nftEnforcer(c.netns === undefined ? {} : { netns: c.netns });
  const own = createIntentManager({
    store: ctx.store,
    enforcer,
    resolver: ports.resolver ?? dnsResolver(c.resolver.length === 0 ? {} : { servers: c.resolver }),
    ...(ports.fetcher === undefined ? {} : { fetcher: ports.fetcher }),
    fetch: fetchSettings(c),
    context: {
      controllers: c.controllers,
      myControllers: c.myControllers,
      localNetworks: c.localNetworks,
      dnsServers: c.dnsServers,
      basics: c.basics,
      deviceInterfaces,
    },
    neverGood: c.neverGood,
    quarantine: { threshold: c.quarantineThreshold, policy: c.quarantinePolicy },
    lease: { gateway: c.gateway, holder: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, ttlMs: c.tickInterval * 3000 },
    clock: ctx.clock,
    metrics: intentMetrics(registry),
    log: intentLog,
    onQuarantine: async (guid, action, actor, reason) => {
      const devices = deviceRegistry({ store: ctx.store });
      const g = new Uint8Array(Buffer.from(guid, 'hex'));
      if (action === 'quarantine') await devices.quarantined(g, actor, reason);
      else await devices.released(g, actor, reason);
    },
  });
  const manager = forward === undefined ? own : relayedManager(own, forward);
  let watcher: IntentWatch | undefined;
  const unsubscribe = ctx.onboarded.subscribe((d) => onboardedDevice(manager, d));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const tick = () => {
    // One tick at a time: a slow one (many devices, a slow MUD server) is not overlapped.
    running ??= manager
      .tick(ctx.clock())
      .then(() => watcher?.flush())
      .catch((e: unknown) => log?.warn({ err: e }, 'intent: tick failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    manager,
    flushWatch: async () => (await watcher?.flush()) ?? 0,
    start() {
      if (deviceInterfaces.length === 0)
        log?.warn(
          {},
          'intent: no device interface (--intent-device-interface or --intent-capture-interface): unsolicited inbound to device addresses the manager was not told is not filtered',
        );
      watcher = startIntentWatch(c, manager, enforcer, intentLog);
      tick();
      timer = setInterval(tick, c.tickInterval * 1000);
      timer.unref();
    },
    async stop() {
      unsubscribe();
      if (timer !== undefined) clearInterval(timer);
      await running;
      await watcher?.stop();
      await manager.close();
    },
  };
}
