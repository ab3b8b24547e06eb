/**
 * Configuration of `iotopia up`: defaults, then a JSON file, then environment variables, then
 * command-line flags (each later source wins). Invalid values fail naming the setting and source.
 */
export { ConfigError } from '../../platform/errors.ts';
export type { KeyTypeSetting } from '../../platform/keys.ts';

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { FdoRole } from '../../fdo/protocol/ports.ts';
import type { KeystoreSetting } from '../../keystore/open-keystore.ts';
import { DEFAULT_ACCEPTANCE_MODES, type DefaultAcceptance } from '../../onboarding/acceptance.ts';
import { ConfigError } from '../../platform/errors.ts';
import type { KeyTypeSetting } from '../../platform/keys.ts';
import { applyIntentSettings, defaultIntentConfig, INTENT_ENV, type IntentConfig, type IntentRawSettings } from './intent-config.ts';
import { KEYSTORE_ENV, type KeystoreDraft, type KeystoreRawSettings, keystoreSetting, mergeKeystoreSettings } from './keystore-config.ts';
import { applyLimitSettings, DEFAULT_LIMITS, LIMITS_ENV, type LimitsConfig, type LimitsRawSettings } from './limits-config.ts';
import {
  applyReleaseSettings,
  defaultReleasesConfig,
  RELEASES_ENV,
  type ReleasesConfig,
  type ReleasesRawSettings,
} from './releases-config.ts';
import {
  booleanSetting,
  parseListen,
  resolveTransport,
  TRANSPORT_ENV,
  type TransportConfig,
  type TransportRawSettings,
} from './transport-config.ts';

export type { LimitsConfig } from './limits-config.ts';
export type { ListenAddress, ListenerTimeouts, TransportConfig } from './transport-config.ts';
export { resolveTransport, TRANSPORT_PATH_SETTINGS } from './transport-config.ts';

/**
 * The roles `iotopia up` plays: the three FDO roles, `mud`, which serves published MUD files, and
 * `intent`, the MUD manager, which programs this host's nftables (so never a default role).
 */
export type ServerRole = FdoRole | 'mud' | 'intent';

export interface PlatformConfig {
  roles: ServerRole[];
  host: string;
  port: number;
  /** Where the embedded database and the master key live. */
  dataDir: string;
  /** A PostgreSQL URL; the embedded SQLite database in dataDir when absent. */
  database?: string;
  /** Type of the keys made on first start. */
  keyType: KeyTypeSetting;
  /** Where the server's private keys live (keystore-config.ts); software when absent. */
  keystore?: KeystoreSetting;
  /**
   * With the manufacturer and owner roles in one server: extend every voucher made by an authorised
   * DI to this server's owner key, and with the rendezvous role too, register it (TO0) at once.
   * Not set: on only when the server listens on loopback only (the quick start), else off.
   */
  autoOwner?: boolean;
  /** The address devices are told to reach this server at (rendezvous info and TO2 address). */
  publicHost?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Owner: register a voucher again when less than this share of its TO0 lifetime remains (default 0.25). */
  to0RefreshMargin?: number;
  /** Owner: seconds between passes of the TO0 refresh job (default 300); 0 turns it off. */
  to0RefreshInterval?: number;
  /** Owner: where `file` sources of fdo.download ServiceInfo live (default <dataDir>/serviceinfo). */
  serviceInfoDir?: string;
  /** Owner: seconds between campaign engine ticks (default 5; ADR 0029). */
  campaignTickInterval?: number;
  /** Rate limits, the session cap and the trusted proxy (limits-config.ts); resolveConfig always sets it. */
  limits?: LimitsConfig;
  /** TLS, the factory listener, the Host allowlist and timeouts (transport-config.ts); resolveConfig always sets it. */
  transport?: TransportConfig;
  /** Rendezvous: what TO0 accepts while no policy is stored (default own-keys: this server's keys; ADR 0018). */
  rendezvousPolicy?: DefaultAcceptance;
  /**
   * Owner and manufacturer: accept rendezvous addresses on loopback, link-local, multicast,
   * unspecified and cloud metadata addresses (default false; ADR 0018).
   */
  allowInternalRendezvous?: boolean;
  /** The MUD manager's settings (intent-config.ts); set when the roles include `intent`. */
  intent?: IntentConfig;
  /** Payload storage, size limit and extra SUIT trust anchors (releases-config.ts); database storage when absent. */
  releases?: ReleasesConfig;
  /**
   * Processes serving the listeners (ADR 0032): 1 serves in this process, more fork workers that
   * share the listening sockets. resolveConfig always sets it (default: the cores available).
   */
  workers?: number;
}

export const ROLES: readonly ServerRole[] = ['manufacturer', 'rendezvous', 'owner', 'mud', 'intent'];
/** The roles played when none are named: all but `intent`, which must be asked for. */
export const DEFAULT_ROLES: readonly ServerRole[] = ['manufacturer', 'rendezvous', 'owner', 'mud'];
const KEY_TYPES: readonly KeyTypeSetting[] = ['secp256r1', 'secp384r1', 'rsa2048', 'rsa3072'];
const LOG_LEVELS: readonly PlatformConfig['logLevel'][] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const DEFAULT_CONFIG: Readonly<Omit<PlatformConfig, 'transport'>> = Object.freeze({
  roles: [...DEFAULT_ROLES],
  host: '127.0.0.1',
  port: 8080,
  dataDir: '.iotopia',
  keyType: 'secp256r1',
  logLevel: 'info',
});

/** The settings as strings, from one source; undefined means "not given here". */
export interface RawSettings extends LimitsRawSettings, TransportRawSettings, KeystoreRawSettings, IntentRawSettings, ReleasesRawSettings {
  roles?: string | undefined;
  listen?: string | undefined;
  dataDir?: string | undefined;
  database?: string | undefined;
  keyType?: string | undefined;
  autoOwner?: string | boolean | undefined;
  publicHost?: string | undefined;
  logLevel?: string | undefined;
  to0RefreshMargin?: string | undefined;
  to0RefreshInterval?: string | undefined;
  serviceInfoDir?: string | undefined;
  campaignTickInterval?: string | undefined;
  rendezvousPolicy?: string | undefined;
  allowInternalRendezvous?: string | boolean | undefined;
  workers?: string | undefined;
}

/** The environment variables read, by setting. */
export const ENV: Readonly<Record<keyof RawSettings, string>> = {
  roles: 'IOTOPIA_ROLES',
  listen: 'IOTOPIA_LISTEN',
  dataDir: 'IOTOPIA_DATA_DIR',
  database: 'IOTOPIA_DATABASE',
  keyType: 'IOTOPIA_KEY_TYPE',
  autoOwner: 'IOTOPIA_AUTO_OWNER',
  publicHost: 'IOTOPIA_PUBLIC_HOST',
  logLevel: 'IOTOPIA_LOG_LEVEL',
  to0RefreshMargin: 'IOTOPIA_TO0_REFRESH_MARGIN',
  to0RefreshInterval: 'IOTOPIA_TO0_REFRESH_INTERVAL',
  serviceInfoDir: 'IOTOPIA_SERVICEINFO_DIR',
  campaignTickInterval: 'IOTOPIA_CAMPAIGN_TICK_INTERVAL',
  ...LIMITS_ENV,
  ...TRANSPORT_ENV,
  ...KEYSTORE_ENV,
  ...INTENT_ENV,
  ...RELEASES_ENV,
  rendezvousPolicy: 'IOTOPIA_RENDEZVOUS_POLICY',
  allowInternalRendezvous: 'IOTOPIA_ALLOW_INTERNAL_RENDEZVOUS',
  workers: 'IOTOPIA_WORKERS',
};

/** The most worker processes `iotopia up` forks: far beyond any core count, a typo rather than a plan. */
export const MAX_WORKERS = 256;

export function settingsFromEnv(env: NodeJS.ProcessEnv): RawSettings {
  const out: RawSettings = {};
  for (const [k, name] of Object.entries(ENV) as [keyof RawSettings, string][]) if (env[name] !== undefined) out[k] = env[name];
  return out;
}

/** Reads a JSON configuration file whose keys are the settings (e.g. {"listen": "0.0.0.0:8080"}). */
export function settingsFromFile(path: string): RawSettings {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`config file ${path}: not a JSON object`);
  const known = new Set(Object.keys(ENV));
  for (const k of Object.keys(value)) if (!known.has(k)) throw new ConfigError(`config file ${path}: unknown setting "${k}"`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)])) as RawSettings;
}

/** Merges the sources in order (later wins) over the defaults and validates the result. */
export function resolveConfig(...sources: [name: string, settings: RawSettings][]): PlatformConfig {
  const limits: LimitsConfig = { ...DEFAULT_LIMITS, trustProxy: [] };
  const c: Omit<PlatformConfig, 'transport'> = { ...DEFAULT_CONFIG, roles: [...DEFAULT_CONFIG.roles], limits };
  const keystore: KeystoreDraft = {};
  const intent = defaultIntentConfig();
  const releases = defaultReleasesConfig();
  for (const [source, s] of sources) {
    const bad = (setting: string, why: string) => new ConfigError(`${setting} (from ${source}): ${why}`);
    mergeKeystoreSettings(keystore, s, source);
    if (s.roles !== undefined) {
      const roles = s.roles
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '');
      for (const r of roles) if (!ROLES.includes(r as ServerRole)) throw bad('roles', `"${r}" is not one of ${ROLES.join(', ')}`);
      if (roles.length === 0) throw bad('roles', 'at least one role is needed');
      c.roles = [...new Set(roles as ServerRole[])];
    }
    if (s.listen !== undefined) {
      const at = parseListen(s.listen);
      if (at === undefined) throw bad('listen', `"${s.listen}" is not HOST:PORT`);
      c.host = at.host;
      c.port = at.port;
    }
    if (s.dataDir !== undefined) c.dataDir = s.dataDir;
    if (s.database !== undefined) {
      if (!/^postgres(ql)?:\/\//.test(s.database)) throw bad('database', 'only postgres:// URLs; leave it unset for the embedded database');
      c.database = s.database;
    }
    if (s.keyType !== undefined) {
      if (!KEY_TYPES.includes(s.keyType as KeyTypeSetting)) throw bad('key-type', `"${s.keyType}" is not one of ${KEY_TYPES.join(', ')}`);
      c.keyType = s.keyType as KeyTypeSetting;
    }
    if (s.autoOwner !== undefined) c.autoOwner = booleanSetting(s.autoOwner, 'auto-owner', bad);
    if (s.publicHost !== undefined) c.publicHost = s.publicHost;
    if (s.logLevel !== undefined) {
      if (!LOG_LEVELS.includes(s.logLevel as PlatformConfig['logLevel'])) throw bad('log-level', `one of ${LOG_LEVELS.join(', ')}`);
      c.logLevel = s.logLevel as PlatformConfig['logLevel'];
    }
    if (s.to0RefreshMargin !== undefined) {
      const m = Number(s.to0RefreshMargin);
      if (s.to0RefreshMargin.trim() === '' || !(m > 0 && m < 1)) throw bad('to0-refresh-margin', 'a number between 0 and 1, e.g. 0.25');
      c.to0RefreshMargin = m;
    }
    if (s.to0RefreshInterval !== undefined) {
      const n = Number(s.to0RefreshInterval);
      if (!/^\d+$/.test(s.to0RefreshInterval.trim()) || n > 86_400)
        throw bad('to0-refresh-interval', 'whole seconds from 0 (off) to 86400');
      c.to0RefreshInterval = n;
    }
    if (s.serviceInfoDir !== undefined) c.serviceInfoDir = s.serviceInfoDir;
    if (s.campaignTickInterval !== undefined) {
      const n = Number(s.campaignTickInterval);
      if (!/^\d+$/.test(s.campaignTickInterval.trim()) || n < 1 || n > 3600)
        throw bad('campaign-tick-interval', 'whole seconds from 1 to 3600');
      c.campaignTickInterval = n;
    }
    applyLimitSettings(limits, s, bad);
    applyIntentSettings(intent, s, bad);
    applyReleaseSettings(releases, s, bad);
    if (s.rendezvousPolicy !== undefined) {
      if (!DEFAULT_ACCEPTANCE_MODES.includes(s.rendezvousPolicy as DefaultAcceptance))
        throw bad('rendezvous-policy', `"${s.rendezvousPolicy}" is not one of ${DEFAULT_ACCEPTANCE_MODES.join(', ')}`);
      c.rendezvousPolicy = s.rendezvousPolicy as DefaultAcceptance;
    }
    if (s.allowInternalRendezvous !== undefined)
      c.allowInternalRendezvous = booleanSetting(s.allowInternalRendezvous, 'allow-internal-rendezvous', bad);
    if (s.workers !== undefined) {
      const n = Number(s.workers);
      if (!/^\d+$/.test(s.workers.trim()) || n < 1 || n > MAX_WORKERS) throw bad('workers', `a whole number from 1 to ${MAX_WORKERS}`);
      c.workers = n;
    }
  }
  c.workers ??= availableParallelism();
  const ks = keystoreSetting(keystore);
  if (ks.backend === 'pkcs11') c.keystore = ks;
  c.dataDir = resolve(c.dataDir);
  if (c.serviceInfoDir !== undefined) c.serviceInfoDir = resolve(c.serviceInfoDir);
  if (c.roles.includes('intent')) c.intent = intent;
  c.releases = releases;
  const transport = resolveTransport({ host: c.host, port: c.port }, sources);
  if (transport.factoryListen !== undefined && !c.roles.includes('manufacturer'))
    throw new ConfigError('factory-listen: the factory listener serves DI, which needs the manufacturer role');
  return { ...c, transport };
}
