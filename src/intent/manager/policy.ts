/**
 * The nft script of a device in each enforcement state: its MUD file resolved and compiled, the
 * quarantine policy, or default deny (the network basics only).
 */
import type { MudFile } from '../../mud/model/mud-file.ts';
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { parsePrefix } from '../ip.ts';
import { compileNft, DEVICE_NAME } from '../nft-compile.ts';
import { resolveMud } from '../resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../resolve-types.ts';
import { nameMap } from './names.ts';
import { quarantineFile } from './quarantine-file.ts';
import type { IntentManagerOptions } from './types.ts';

export interface CompiledDevice {
  /** The resolved policy the script enforces (the verdict engine judges traffic by it). */
  policy: ResolvedPolicy;
  /** Whether the script allows the network basics. */
  basics: boolean;
  script: string;
  /** The device's own rules in the script. */
  rules: number;
  warnings: string[];
}

export interface PeerMaps {
  manufacturers: Map<string, string[]>;
  models: Map<string, string[]>;
}

/** The other devices' addresses: a device is not its own peer. */
function others(m: Map<string, string[]>, d: IntentDeviceRecord): Map<string, string[]> {
  const own = new Set([d.ipv4, d.ipv6]);
  return new Map([...m].map(([k, v]) => [k, v.filter((a) => !own.has(a))]));
}

function context(o: IntentManagerOptions, d: IntentDeviceRecord, peers: PeerMaps): DeviceContext {
  const c = o.context ?? {};
  const ctx: DeviceContext = {
    mac: d.mac,
    controllers: c.controllers ?? new Map(),
    myControllers: (d.mudUrl === undefined ? undefined : c.myControllers?.get(d.mudUrl)) ?? [],
    localNetworks: c.localNetworks ?? [],
    names: nameMap(d.names),
    manufacturers: others(peers.manufacturers, d),
    models: others(peers.models, d),
  };
  if (d.ipv4 !== undefined) ctx.ipv4 = d.ipv4;
  if (d.ipv6 !== undefined) ctx.ipv6 = d.ipv6;
  return ctx;
}

const countRules = (script: string, mac: string) => {
  const prefix = `add rule inet iotopia d_${mac.replaceAll(':', '')}`;
  return script.split('\n').filter((l) => l.startsWith(prefix)).length;
};

function compile(o: IntentManagerOptions, policy: ResolvedPolicy, basics: boolean, name: string | undefined): CompiledDevice {
  // The device's name goes into the ruleset (for `iotopia intent remove --device`) when nft may carry it.
  const deviceName = name !== undefined && DEVICE_NAME.test(name) ? { deviceName: name } : {};
  const deviceInterfaces = o.context?.deviceInterfaces ?? [];
  const script = compileNft(policy, { basics, dnsServers: o.context?.dnsServers ?? [], deviceInterfaces, ...deviceName });
  return {
    policy,
    basics,
    script,
    rules: countRules(script, policy.mac),
    warnings: policy.warnings.map((w) => `${w.code} at ${w.where}: ${w.message}`),
  };
}

/** Nothing but the basics (or, with basics off, nothing at all). */
export function denyPolicy(o: IntentManagerOptions, d: IntentDeviceRecord, basics = o.context?.basics !== false): CompiledDevice {
  const policy: ResolvedPolicy = { mac: d.mac, mudUrl: d.mudUrl ?? '', fromDevice: [], toDevice: [], warnings: [] };
  const v4 = d.ipv4 === undefined ? undefined : parsePrefix(d.ipv4);
  const v6 = d.ipv6 === undefined ? undefined : parsePrefix(d.ipv6);
  if (v4?.family === 4) policy.ipv4 = v4;
  if (v6?.family === 6) policy.ipv6 = v6;
  return compile(o, policy, basics, d.name);
}

/** The device's file resolved for it and compiled. */
export function filePolicy(o: IntentManagerOptions, d: IntentDeviceRecord, file: MudFile, peers: PeerMaps): CompiledDevice {
  const policy = resolveMud(file, context(o, d, peers), { lenient: o.lenientResolve !== false });
  return compile(o, policy, o.context?.basics !== false, d.name);
}

/** The quarantine policy: the file's own where it has one, else the configured one. */
export function quarantinePolicy(
  o: IntentManagerOptions,
  d: IntentDeviceRecord,
  file: MudFile | undefined,
  peers: PeerMaps,
): CompiledDevice {
  const q = file === undefined ? undefined : quarantineFile(file);
  if (q !== undefined) return filePolicy(o, d, q, peers);
  return denyPolicy(o, d, o.quarantine?.policy !== 'block' && o.context?.basics !== false);
}

export const noPeers = (): PeerMaps => ({ manufacturers: new Map(), models: new Map() });
