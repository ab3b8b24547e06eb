/**
 * Generated flows for the agreement test: for each abstraction, flows aimed at the ACEs that use
 * it (peers inside and outside its sets, ports that meet and miss the ACE, both directions, TCP
 * handshakes, lone ACKs and SYN/ACKs, RSTs, FINs, UDP exchanges, ICMP queries, replies and
 * errors). A seeded generator, so a failure can be replayed.
 */
import type { Prefix } from '../../../src/intent/ip.ts';
import type { ResolvedAce, ResolvedPolicy, ResolvedPort } from '../../../src/intent/resolve-types.ts';
import { v4Range, v6Range } from '../../../src/intent/verdict/addr.ts';
import { addressText } from '../../../src/intent/verdict/flow.ts';

export const GROUPS = [
  'manufacturer',
  'same-manufacturer',
  'model',
  'controller',
  'my-controller',
  'local-networks',
  'dnsname',
  'ports-icmp',
  'unknown-address',
] as const;

export const LAN_MACS = { router: '02:00:00:00:ff:01' };
export const WAN_MACS = { router: '02:00:00:00:ff:02', peer: '02:00:00:00:02:01' };
export const LAN_POOL4 = Array.from({ length: 16 }, (_, i) => `192.0.2.${16 + i}`);
export const LAN_POOL6 = Array.from({ length: 16 }, (_, i) => `2001:db8:1::${(16 + i).toString(16)}`);
/**
 * Addresses the managed devices use on their link that no policy was given (a static IPv4, IPv6
 * SLAAC or privacy addresses): each belongs to the device of its index's parity.
 */
export const UNKNOWN_POOL4 = Array.from({ length: 16 }, (_, i) => `192.0.2.${64 + i}`);
export const UNKNOWN_POOL6 = Array.from({ length: 16 }, (_, i) => `2001:db8:1::a:${(64 + i).toString(16)}`);

/** One packet of a flow: sent by the initiator (0) or the responder (1). */
export interface Step {
  from: 0 | 1;
  tcpFlags?: number;
  icmpType?: number;
  icmpCode?: number;
}

export interface Endpoint {
  mac: string;
  address: string;
  port: number;
  /** 0 device side (LAN), 1 internet side. */
  side: 0 | 1;
}

export interface GenFlow {
  group: string;
  protocol: 6 | 17 | 1 | 58;
  a: Endpoint;
  b: Endpoint;
  icmpId: number;
  steps: Step[];
  seqA: number;
  seqB: number;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYN = 0x02;
const ACK = 0x10;
const RST = 0x04;
const FIN = 0x01;
const PSH = 0x08;

interface Hint {
  device: { mac: string; ipv4: string; ipv6: string };
  toDevice: boolean;
  ace?: ResolvedAce;
  peers: Prefix[];
  protocol?: number;
  srcPort?: ResolvedPort;
  dstPort?: ResolvedPort;
  icmpType?: number;
}

function portIn(p: ResolvedPort | undefined, r: () => number): number {
  const any = 1024 + Math.floor(r() * 64000);
  if (p === undefined || r() < 0.25) return r() < 0.5 ? any : Math.floor(r() * 1024);
  switch (p.op) {
    case 'eq':
      return r() < 0.8 ? p.port : p.port + (r() < 0.5 ? 1 : -1);
    case 'neq':
      return r() < 0.3 ? p.port : any;
    case 'lte':
      return r() < 0.2 ? p.port + 1 : Math.floor(r() * (p.port + 1));
    case 'gte':
      return r() < 0.2 ? p.port - 1 : p.port + Math.floor(r() * (65536 - p.port));
    case 'range':
      return r() < 0.2 ? (r() < 0.5 ? p.lower - 1 : p.upper + 1) : p.lower + Math.floor(r() * (p.upper - p.lower + 1));
  }
}

/** A host inside `p` (its first, last or a random address), as text. */
function hostIn(p: Prefix, r: () => number): string {
  if (p.family === 4) {
    const [lo, hi] = v4Range(p.text) as [number, number];
    const pick = r() < 0.2 ? lo : r() < 0.2 ? hi : lo + Math.floor(r() * (hi - lo + 1));
    return addressText(4, Uint32Array.of(pick, 0, 0, 0));
  }
  const range = v6Range(p.text) as Uint32Array;
  const w = range.slice(0, 4);
  for (let i = 0; i < 4; i++) {
    const lo = range[i] as number;
    const hi = range[4 + i] as number;
    w[i] = lo + Math.floor(r() * (hi - lo + 1));
  }
  return addressText(6, w);
}

/** Only addresses the router can deliver: LAN hosts with a neighbour entry, or the internet prefixes. */
function routable(address: string, devices: Hint['device'][]): boolean {
  if (address.startsWith('203.0.113.') || address.startsWith('2001:db8:3:')) return true;
  return [...LAN_POOL4, ...LAN_POOL6, ...UNKNOWN_POOL4, ...UNKNOWN_POOL6, ...devices.flatMap((d) => [d.ipv4, d.ipv6])].includes(address);
}

function randomPeer(family: 4 | 6, r: () => number): string {
  if (r() < 0.3) return family === 4 ? (LAN_POOL4[Math.floor(r() * 16)] as string) : (LAN_POOL6[Math.floor(r() * 16)] as string);
  if (family === 4) return `203.0.113.${Math.floor(r() * 256)}`;
  return `2001:db8:3:${Math.floor(r() * 0x100).toString(16)}::${Math.floor(r() * 0x10000).toString(16)}`;
}

function hintsOf(policies: ResolvedPolicy[], devices: Hint['device'][], group: string): Hint[] {
  const hints: Hint[] = [];
  policies.forEach((p, i) => {
    const device = devices[i] as Hint['device'];
    for (const [acls, toDevice] of [
      [p.fromDevice, false],
      [p.toDevice, true],
    ] as const) {
      for (const ace of acls.flatMap((a) => a.aces)) {
        const sets = toDevice ? ace.src : ace.dst;
        const inGroup = group === 'ports-icmp' ? sets.length === 0 : sets.some((s) => s.origin.split(' ')[0] === group);
        if (!inGroup) continue;
        const h: Hint = { device, toDevice, ace, peers: sets.flatMap((s) => s.prefixes) };
        if (ace.protocol !== undefined) h.protocol = ace.protocol;
        if (ace.srcPort !== undefined) h.srcPort = ace.srcPort;
        if (ace.dstPort !== undefined) h.dstPort = ace.dstPort;
        if (ace.icmp?.type !== undefined) h.icmpType = ace.icmp.type;
        hints.push(h);
      }
    }
  });
  if (group === 'ports-icmp') {
    // The network basics: DHCPv4/v6 and DNS from the device, ICMPv6 neighbour discovery both ways.
    for (const device of devices) {
      const basic = (protocol: number, srcPort?: number, dstPort?: number, toDevice = false, icmpType?: number): Hint => ({
        device,
        toDevice,
        peers: [],
        protocol,
        ...(srcPort === undefined ? {} : { srcPort: { op: 'eq', port: srcPort } as ResolvedPort }),
        ...(dstPort === undefined ? {} : { dstPort: { op: 'eq', port: dstPort } as ResolvedPort }),
        ...(icmpType === undefined ? {} : { icmpType }),
      });
      hints.push(basic(17, 68, 67), basic(17, 67, 68, true), basic(17, 546, 547), basic(17, 547, 546, true));
      hints.push({
        ...basic(17, undefined, 53),
        peers: [
          { family: 4, text: '203.0.113.53/32' },
          { family: 6, text: '2001:db8:3:0:0:0:0:35/128' },
        ],
      });
      hints.push({ ...basic(6, undefined, 53), peers: [{ family: 4, text: '203.0.113.53/32' }] });
      for (const t of [133, 134, 135, 136, 1, 3]) hints.push(basic(58, undefined, undefined, t === 134, t));
      for (const t of [3, 11, 0, 13]) hints.push(basic(1, undefined, undefined, false, t));
    }
  }
  return hints;
}

function tcpSteps(r: () => number): Step[] {
  const x = r();
  if (x < 0.55)
    return [
      { from: 0, tcpFlags: SYN },
      { from: 1, tcpFlags: SYN | ACK },
      { from: 0, tcpFlags: ACK | PSH },
    ];
  if (x < 0.7)
    return [
      { from: 0, tcpFlags: ACK | PSH },
      { from: 1, tcpFlags: ACK },
      { from: 0, tcpFlags: ACK },
    ];
  if (x < 0.8)
    return [
      { from: 0, tcpFlags: SYN | ACK },
      { from: 1, tcpFlags: ACK },
    ];
  if (x < 0.87) return [{ from: 0, tcpFlags: RST }];
  if (x < 0.94)
    return [
      { from: 0, tcpFlags: FIN | ACK },
      { from: 1, tcpFlags: ACK },
    ];
  return [
    { from: 0, tcpFlags: SYN },
    { from: 0, tcpFlags: SYN },
    { from: 1, tcpFlags: SYN | ACK },
  ];
}

const QUERY: Record<number, number> = { 8: 0, 13: 14, 128: 129 };

function icmpSteps(protocol: 1 | 58, hinted: number | undefined, r: () => number): Step[] {
  const echo = protocol === 1 ? 8 : 128;
  const type = hinted !== undefined && r() < 0.7 ? hinted : r() < 0.5 ? echo : Math.floor(r() * (protocol === 1 ? 20 : 140));
  const reply = QUERY[type];
  const code = r() < 0.8 ? 0 : Math.floor(r() * 4);
  if (reply === undefined) return [{ from: 0, icmpType: type, icmpCode: code }];
  return [
    { from: 0, icmpType: type, icmpCode: code },
    { from: 1, icmpType: reply, icmpCode: 0 },
    { from: 0, icmpType: type, icmpCode: code },
  ];
}

function endpoint(address: string, port: number, devices: Hint['device'][]): Endpoint {
  const device = devices.find((d) => d.ipv4 === address || d.ipv6 === address);
  if (device !== undefined) return { mac: device.mac, address, port, side: 0 };
  const unknown = Math.max(UNKNOWN_POOL4.indexOf(address), UNKNOWN_POOL6.indexOf(address));
  if (unknown >= 0) return { mac: (devices[unknown % devices.length] as Hint['device']).mac, address, port, side: 0 };
  const lan = address.startsWith('192.0.2.') || address.startsWith('2001:db8:1:');
  const n = lan ? (address.includes(':') ? LAN_POOL6 : LAN_POOL4).indexOf(address) : 0;
  return { mac: lan ? `02:00:00:00:01:${(16 + n).toString(16)}` : WAN_MACS.peer, address, port, side: lan ? 0 : 1 };
}

/**
 * The device's own address in a flow: its known one, or in the unknown-address group one of its
 * addresses no policy has (the device still sends from its own MAC).
 */
function selfAddress(group: string, family: 4 | 6, h: Hint, devices: Hint['device'][], r: () => number): string {
  if (group !== 'unknown-address') return family === 4 ? h.device.ipv4 : h.device.ipv6;
  const pool = family === 4 ? UNKNOWN_POOL4 : UNKNOWN_POOL6;
  const mine = pool.filter((_, i) => devices[i % devices.length] === h.device);
  return mine[Math.floor(r() * mine.length)] as string;
}

function oneFlow(group: string, hints: Hint[], devices: Hint['device'][], r: () => number): GenFlow | undefined {
  const h = hints[Math.floor(r() * hints.length)] as Hint;
  const inside = h.peers.length > 0 && r() < 0.7;
  const peerPrefix = inside ? h.peers[Math.floor(r() * h.peers.length)] : undefined;
  const family: 4 | 6 = peerPrefix?.family ?? h.ace?.family ?? (h.protocol === 58 ? 6 : h.protocol === 1 ? 4 : r() < 0.5 ? 4 : 6);
  const peer = peerPrefix !== undefined ? hostIn(peerPrefix, r) : randomPeer(family, r);
  const self = selfAddress(group, family, h, devices, r);
  if (peer === self || !routable(peer, devices)) return undefined;
  let protocol = (h.protocol !== undefined && r() < 0.8 ? h.protocol : [6, 17, family === 4 ? 1 : 58][Math.floor(r() * 3)]) as
    | 6
    | 17
    | 1
    | 58;
  if ((protocol === 1 && family === 6) || (protocol === 58 && family === 4)) protocol = family === 4 ? 1 : 58;
  // The packet the hint describes travels src → dst; sometimes the other side opens the flow instead.
  const [src, dst] = h.toDevice ? [peer, self] : [self, peer];
  const sp = portIn(h.srcPort, r);
  const dp = portIn(h.dstPort, r);
  const flipped = r() < 0.25;
  const a = endpoint(flipped ? dst : src, flipped ? dp : sp, devices);
  const b = endpoint(flipped ? src : dst, flipped ? sp : dp, devices);
  const steps =
    protocol === 6 ? tcpSteps(r) : protocol === 17 ? [{ from: 0 }, { from: 1 }, { from: 0 }] : icmpSteps(protocol, h.icmpType, r);
  return {
    group,
    protocol,
    a,
    b,
    icmpId: Math.floor(r() * 65536),
    steps: steps as Step[],
    seqA: Math.floor(r() * 2 ** 32),
    seqB: Math.floor(r() * 2 ** 32),
  };
}

function tupleKeys(f: GenFlow): string[] {
  const p = f.protocol === 6 || f.protocol === 17;
  const one = `${f.protocol}|${f.a.address}|${p ? f.a.port : f.icmpId}|${f.b.address}|${p ? f.b.port : ''}`;
  const two = `${f.protocol}|${f.b.address}|${p ? f.b.port : f.icmpId}|${f.a.address}|${p ? f.a.port : ''}`;
  return [one, two];
}

/** `count` flows for each group, every one with a tuple of its own (in either direction). */
export function generateFlows(policies: ResolvedPolicy[], devices: Hint['device'][], count: number, seed: number): GenFlow[] {
  const r = rng(seed);
  const used = new Set<string>();
  const out: GenFlow[] = [];
  for (const group of GROUPS) {
    // Unknown addresses: every ACE of both devices (its peers inside and outside), both directions.
    const hints =
      group === 'unknown-address' ? GROUPS.slice(0, -1).flatMap((g) => hintsOf(policies, devices, g)) : hintsOf(policies, devices, group);
    if (hints.length === 0) throw new Error(`no ACE uses ${group}`);
    let made = 0;
    while (made < count) {
      const f = oneFlow(group, hints, devices, r);
      if (f === undefined) continue;
      const keys = tupleKeys(f);
      if (keys.some((k) => used.has(k))) continue;
      for (const k of keys) used.add(k);
      out.push(f);
      made++;
    }
  }
  return out;
}
