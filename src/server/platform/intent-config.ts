/**
 * The settings of the `intent` role (the MUD manager): read by config.ts from every source like the
 * other settings. Lists are comma-separated; controllers are `URI=ADDR` pairs (one URI may repeat).
 */

import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parsePrefix } from '../../intent/ip.ts';
import { DEVICE_INTERFACE } from '../../intent/nft-compile.ts';
import type { ConfigError } from '../../platform/errors.ts';
import { booleanSetting } from './transport-config.ts';

export interface IntentConfig {
  /** The gateway whose nftables this server programs; replicas of one gateway share a lease (default: the host name). */
  gateway: string;
  /** PEM bundle trusted for MUD servers' TLS certificates; the system's roots when absent. */
  mudServerCa?: string;
  /** PEM bundle of MUD signer trust anchors (RFC 8520 §13); without it no signature verifies. */
  mudSignerCa?: string;
  /** An unsigned MUD file: refused (default) or accepted with a warning. */
  unsigned: 'refuse' | 'warn';
  /** Read fetched MUD files with the lenient reader (real-world shorthands accepted with warnings); default false. */
  lenient: boolean;
  /** RFC 8520 §8.4: controller class URI → addresses. */
  controllers: Map<string, string[]>;
  /** RFC 8520 §8.5: MUD URL → the addresses of that device type's own controllers (`my-controller`). */
  myControllers: Map<string, string[]>;
  /** RFC 8520 §8.6: the prefixes called local. */
  localNetworks: string[];
  /** The resolvers devices may query (allowed with the network basics). */
  dnsServers: string[];
  /** Allow the network basics (ARP-free IPv6 ND/RA, DHCPv4/v6, DNS to dnsServers) to every device; default true. */
  basics: boolean;
  /** The resolvers (ADDR or ADDR:PORT) the manager asks for the names in MUD files; the system's when empty. */
  resolver: string[];
  /** A device that never had a good MUD file: default deny (the basics only) or allow. */
  neverGood: 'deny' | 'allow';
  /** Violations that quarantine a device; 0 turns automatic quarantine off. */
  quarantineThreshold: number;
  /** For a file without a quarantine policy: the basics only (default) or nothing at all. */
  quarantinePolicy: 'basics' | 'block';
  /** Seconds between manager ticks (refetch, re-resolve, lease renewal). */
  tickInterval: number;
  /** The network namespace whose nftables are programmed; the server's own when absent. */
  netns?: string;
  /** The gateway's interface on the devices' link, captured with tcpdump to watch their traffic. */
  captureInterface?: string;
  /**
   * The gateway interfaces the managed devices sit behind: unsolicited traffic out of them to an
   * address no managed device was given is dropped. Absent: the capture interface (effectiveDeviceInterfaces).
   */
  deviceInterfaces?: string[];
}

export interface IntentRawSettings {
  intentGateway?: string | undefined;
  intentMudServerCa?: string | undefined;
  intentMudSignerCa?: string | undefined;
  intentUnsigned?: string | undefined;
  intentLenient?: string | boolean | undefined;
  intentControllers?: string | undefined;
  intentMyControllers?: string | undefined;
  intentBasics?: string | boolean | undefined;
  intentQuarantinePolicy?: string | undefined;
  intentLocalNetworks?: string | undefined;
  intentDnsServers?: string | undefined;
  intentResolver?: string | undefined;
  intentNeverGood?: string | undefined;
  intentQuarantineThreshold?: string | undefined;
  intentTickInterval?: string | undefined;
  intentNetns?: string | undefined;
  intentCaptureInterface?: string | undefined;
  intentDeviceInterface?: string | undefined;
}

export const INTENT_ENV: Readonly<Record<keyof IntentRawSettings, string>> = {
  intentGateway: 'IOTOPIA_INTENT_GATEWAY',
  intentMudServerCa: 'IOTOPIA_INTENT_MUD_SERVER_CA',
  intentMudSignerCa: 'IOTOPIA_INTENT_MUD_SIGNER_CA',
  intentUnsigned: 'IOTOPIA_INTENT_UNSIGNED',
  intentLenient: 'IOTOPIA_INTENT_LENIENT',
  intentControllers: 'IOTOPIA_INTENT_CONTROLLERS',
  intentMyControllers: 'IOTOPIA_INTENT_MY_CONTROLLERS',
  intentBasics: 'IOTOPIA_INTENT_BASICS',
  intentQuarantinePolicy: 'IOTOPIA_INTENT_QUARANTINE_POLICY',
  intentLocalNetworks: 'IOTOPIA_INTENT_LOCAL_NETWORKS',
  intentDnsServers: 'IOTOPIA_INTENT_DNS_SERVERS',
  intentResolver: 'IOTOPIA_INTENT_RESOLVER',
  intentNeverGood: 'IOTOPIA_INTENT_NEVER_GOOD',
  intentQuarantineThreshold: 'IOTOPIA_INTENT_QUARANTINE_THRESHOLD',
  intentTickInterval: 'IOTOPIA_INTENT_TICK_INTERVAL',
  intentNetns: 'IOTOPIA_INTENT_NETNS',
  intentCaptureInterface: 'IOTOPIA_INTENT_CAPTURE_INTERFACE',
  intentDeviceInterface: 'IOTOPIA_INTENT_DEVICE_INTERFACE',
};

/** The settings whose values are file paths. */
export const INTENT_PATH_SETTINGS = ['intentMudServerCa', 'intentMudSignerCa'] as const;

export const DEFAULT_INTENT_TICK_INTERVAL_S = 10;
export const DEFAULT_QUARANTINE_THRESHOLD = 10;

export const defaultIntentConfig = (): IntentConfig => ({
  gateway:
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) || 'gateway',
  unsigned: 'refuse',
  lenient: false,
  controllers: new Map(),
  myControllers: new Map(),
  localNetworks: [],
  basics: true,
  dnsServers: [],
  resolver: [],
  neverGood: 'deny',
  quarantineThreshold: DEFAULT_QUARANTINE_THRESHOLD,
  quarantinePolicy: 'basics',
  tickInterval: DEFAULT_INTENT_TICK_INTERVAL_S,
});

type Bad = (setting: string, why: string) => ConfigError;

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

function addresses(v: string, setting: string, bad: Bad, prefixes: boolean): string[] {
  const out = list(v);
  for (const a of out) {
    const ok = prefixes ? parsePrefix(a) !== undefined : isIP(a) !== 0;
    if (!ok) throw bad(setting, `"${a.slice(0, 64)}" is not an IP ${prefixes ? 'prefix' : 'address'}`);
  }
  return out;
}

/** `URI=ADDR` pairs (the last `=` splits, so a URI may contain one), a URI repeated for several addresses. */
function controllers(v: string, setting: string, bad: Bad): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of list(v)) {
    const at = pair.lastIndexOf('=');
    const uri = pair.slice(0, at).trim();
    const addr = pair.slice(at + 1).trim();
    if (at < 1 || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri) || isIP(addr) === 0)
      throw bad(setting, `"${pair.slice(0, 80)}" is not URI=ADDR (e.g. urn:ietf:params:mud:dns=192.0.2.53)`);
    out.set(uri, [...(out.get(uri) ?? []), addr]);
  }
  return out;
}

function oneOf<T extends string>(v: string, values: readonly T[], setting: string, bad: Bad): T {
  if (!values.includes(v as T)) throw bad(setting, `"${v.slice(0, 32)}" is not one of ${values.join(', ')}`);
  return v as T;
}

function count(v: string, setting: string, max: number, bad: Bad, min = 0): number {
  if (!/^\d{1,7}$/.test(v.trim()) || Number(v) > max || Number(v) < min) throw bad(setting, `a whole number from ${min} to ${max}`);
  return Number(v);
}

function interfaces(v: string, setting: string, bad: Bad): string[] {
  const out = list(v);
  if (out.length === 0) throw bad(setting, 'at least one network interface name');
  for (const i of out)
    if (!DEVICE_INTERFACE.test(i))
      throw bad(setting, `"${i.slice(0, 32)}" is not a network interface name (letters, digits, . _ -, at most 15)`);
  return [...new Set(out)];
}

/**
 * The device interfaces the compiled rules protect: the ones set, else the capture interface (the
 * devices' link) when it is a name the rules can carry, else none.
 */
export function effectiveDeviceInterfaces(c: IntentConfig): string[] {
  if (c.deviceInterfaces !== undefined) return c.deviceInterfaces;
  const capture = c.captureInterface;
  return capture !== undefined && DEVICE_INTERFACE.test(capture) ? [capture] : [];
}

/** Applies one source's intent settings to `c`. */
export function applyIntentSettings(c: IntentConfig, s: IntentRawSettings, bad: Bad): void {
  if (s.intentGateway !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s.intentGateway)) throw bad('intent-gateway', 'letters, digits, . _ -, at most 64');
    c.gateway = s.intentGateway;
  }
  if (s.intentMudServerCa !== undefined) c.mudServerCa = resolve(s.intentMudServerCa);
  if (s.intentMudSignerCa !== undefined) c.mudSignerCa = resolve(s.intentMudSignerCa);
  if (s.intentUnsigned !== undefined) c.unsigned = oneOf(s.intentUnsigned, ['refuse', 'warn'] as const, 'intent-unsigned', bad);
  if (s.intentLenient !== undefined) c.lenient = booleanSetting(s.intentLenient, 'intent-lenient', bad);
  if (s.intentControllers !== undefined) c.controllers = controllers(s.intentControllers, 'intent-controllers', bad);
  if (s.intentMyControllers !== undefined) c.myControllers = controllers(s.intentMyControllers, 'intent-my-controllers', bad);
  if (s.intentBasics !== undefined) c.basics = booleanSetting(s.intentBasics, 'intent-basics', bad);
  if (s.intentQuarantinePolicy !== undefined)
    c.quarantinePolicy = oneOf(s.intentQuarantinePolicy, ['basics', 'block'] as const, 'intent-quarantine-policy', bad);
  if (s.intentLocalNetworks !== undefined) c.localNetworks = addresses(s.intentLocalNetworks, 'intent-local-networks', bad, true);
  if (s.intentDnsServers !== undefined) c.dnsServers = addresses(s.intentDnsServers, 'intent-dns-servers', bad, false);
  if (s.intentResolver !== undefined) c.resolver = list(s.intentResolver);
  if (s.intentNeverGood !== undefined) c.neverGood = oneOf(s.intentNeverGood, ['deny', 'allow'] as const, 'intent-never-good', bad);
  if (s.intentQuarantineThreshold !== undefined)
    c.quarantineThreshold = count(s.intentQuarantineThreshold, 'intent-quarantine-threshold', 1_000_000, bad);
  if (s.intentTickInterval !== undefined) c.tickInterval = count(s.intentTickInterval, 'intent-tick-interval', 3600, bad, 1);
  if (s.intentNetns !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s.intentNetns)) throw bad('intent-netns', 'a network namespace name (ip netns)');
    c.netns = s.intentNetns;
  }
  if (s.intentCaptureInterface !== undefined) {
    // Linux interface names: at most 15 characters, no slash or white space (IFNAMSIZ).
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,14}$/.test(s.intentCaptureInterface))
      throw bad('intent-capture-interface', 'a network interface name (at most 15 characters)');
    c.captureInterface = s.intentCaptureInterface;
  }
  if (s.intentDeviceInterface !== undefined) c.deviceInterfaces = interfaces(s.intentDeviceInterface, 'intent-device-interface', bad);
}
