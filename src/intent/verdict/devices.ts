/**
 * The managed devices of a matcher and how a packet finds them, as the verdict maps of the
 * ruleset do: `from_dev` by source MAC, `to_dev` by destination MAC, `to_dev4` / `to_dev6` by
 * destination address. Devices whose policies resolved to the same ACLs share their chains.
 */
import { deviceId, dnsServers, type NftCompileOptions } from '../nft-compile.ts';
import type { AddressSet, ResolvedAcl, ResolvedPolicy, ResolvedPort } from '../resolve-types.ts';
import { macNumber, v4Range, v6Range } from './addr.ts';
import { basicsOf, type Chain, chainOf } from './chain.ts';
import type { Flow } from './flow.ts';
import type { RuleLabel } from './labels.ts';
import { createMacTable } from './mac-table.ts';

/** A managed device: its index in the list of MACs and its chains. */
export interface Device {
  index: number;
  from: Chain;
  to: Chain;
}

interface V6Entry {
  words: Uint32Array;
  device: Device;
}

export interface Devices {
  macs: string[];
  /** `from_dev`: the device a packet comes from. */
  from(f: Flow): Device | undefined;
  /** `to_dev`, then `to_dev4` / `to_dev6`: the device a packet goes to. */
  to(f: Flow): Device | undefined;
  /** The device of a MAC (a 48-bit number). */
  byMac(mac: number): Device | undefined;
}

/** A hash of an IPv6 address's four words, the key of the address → device table. */
function v6Key(w: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) h = Math.imul(h ^ (w[i] as number), 0x01000193);
  return h >>> 0;
}

function addV6(byV6: Map<number, V6Entry[]>, words: Uint32Array, device: Device): void {
  const k = v6Key(words);
  const list = byV6.get(k) ?? [];
  const same = list.findIndex((e) => e.words.every((w, i) => w === words[i]));
  if (same >= 0) list.splice(same, 1);
  list.push({ words, device });
  byV6.set(k, list);
}

/** A name made unambiguous inside a key: its length, then the name. */
const named = (s: string): string => `${s.length}:${s}`;

const portKey = (p: ResolvedPort | undefined): string =>
  p === undefined ? '' : p.op === 'range' ? `r${p.lower}-${p.upper}` : `${p.op}${p.port}`;

function setsKey(sets: AddressSet[]): string {
  let k = '';
  for (const s of sets) {
    k += '|';
    for (const p of s.prefixes) k += `${p.text},`;
  }
  return k;
}

/**
 * What the chains of a direction are made from (chainOf): every field of every ACE, in order, as
 * one string; equal keys give equal chains. Names carry their length, so no name can run into the
 * next field; the other fields are numbers, operators and validated prefixes.
 */
function aclsKey(acls: ResolvedAcl[]): string {
  let k = '';
  for (const acl of acls) {
    k += `[${named(acl.name)}`;
    for (const a of acl.aces) {
      k += `{${named(a.acl)}${named(a.ace)}${a.action};${a.family};${a.ethertype};${a.protocol};${portKey(a.srcPort)};${portKey(a.dstPort)};`;
      k += `${a.icmp?.type};${a.icmp?.code};${a.directionInitiated};${setsKey(a.src)};${setsKey(a.dst)}}`;
    }
    k += ']';
  }
  return k;
}

/** Compiles the policies' chains (labels appended to `labels`) and the tables that find them. */
export function compileDevices(policies: ResolvedPolicy[], opts: NftCompileOptions, labels: RuleLabel[]): Devices {
  const byMac = createMacTable<Device>();
  const byV4 = createMacTable<Device>();
  const byV6 = new Map<number, V6Entry[]>();
  const macs: string[] = [];
  const basics = basicsOf(opts.basics !== false, dnsServers(opts.dnsServers ?? []), labels);
  const shared = new Map<string, { from: Chain; to: Chain }>();
  const keys = new Map<ResolvedAcl[], Map<ResolvedAcl[], string>>();
  for (const p of policies) {
    deviceId(p.mac);
    // Policies resolved alike share their ACL lists (resolveMud): then the key is known already.
    let key = keys.get(p.fromDevice)?.get(p.toDevice);
    if (key === undefined) {
      key = `${aclsKey(p.fromDevice)}/${aclsKey(p.toDevice)}`;
      keys.set(p.fromDevice, (keys.get(p.fromDevice) ?? new Map()).set(p.toDevice, key));
    }
    let chains = shared.get(key);
    if (chains === undefined) {
      chains = {
        from: chainOf('from-device', p.fromDevice, basics?.[0], labels),
        to: chainOf('to-device', p.toDevice, basics?.[1], labels),
      };
      shared.set(key, chains);
    }
    const device: Device = { index: macs.length, ...chains };
    macs.push(p.mac);
    byMac.set(macNumber(p.mac), device);
    const v4 = p.ipv4 === undefined ? undefined : v4Range(p.ipv4.text);
    if (v4 !== undefined) byV4.set(v4[0], device);
    const v6 = p.ipv6 === undefined ? undefined : v6Range(p.ipv6.text);
    if (v6 !== undefined) addV6(byV6, v6.subarray(0, 4), device);
  }
  return {
    macs,
    from: (f) => byMac.get(f.srcMac),
    byMac: (mac) => byMac.get(mac),
    to(f) {
      const m = byMac.get(f.dstMac);
      if (m !== undefined) return m;
      if (f.family === 4) return byV4.get(f.dst[0] as number);
      const list = byV6.get(v6Key(f.dst));
      if (list === undefined) return undefined;
      for (const e of list)
        if (e.words[0] === f.dst[0] && e.words[1] === f.dst[1] && e.words[2] === f.dst[2] && e.words[3] === f.dst[3]) return e.device;
      return undefined;
    },
  };
}
