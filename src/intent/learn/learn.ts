/**
 * `intent learn`: a MUD file (RFC 8520) from a device's captured traffic. Packets of the device
 * (by MAC) are cut into conversations, the network basics left out, peers named from the DNS
 * answers in the capture, and the result generalised (rules.ts) and written with the MUD builder,
 * which validates it strictly.
 */
import { MudBuilder } from '../../mud/author/builder.ts';
import type { MudFile } from '../../mud/model/mud-file.ts';
import { checkMudUrl } from '../../mud/url/mud-string.ts';
import { IPPROTO_ICMPV6, IPPROTO_UDP } from '../capture/decode.ts';
import type { Packet, PacketIp } from '../capture/packet.ts';
import { normaliseMac } from '../ip.ts';
import { ConversationTracker } from './conversations.ts';
import { LearnError } from './errors.ts';
import { NameBook } from './names.ts';
import { generalise, type LearnedRule } from './rules.ts';

export interface LearnOptions {
  mac: string;
  gatewayMac?: string;
  mudUrl: string;
  /** last-update (RFC 3339); default: the time of the device's last packet. */
  lastUpdate?: string;
  modelName?: string;
  mfgName?: string;
  systeminfo?: string;
  /** Write ACEs for DHCP and IPv6 neighbour discovery too (by default they are left to the basics). */
  includeBasics?: boolean;
}

export interface LearnStats {
  /** Packets of the device (from or to its MAC). */
  devicePackets: number;
  /** Left out as network basics (DHCPv4, DHCPv6, ND/RS/RA). */
  basics: number;
  /** Frames of the device that are not IP (ARP, EAPOL, LLDP and others), which a MUD file's IP ACLs do not describe. */
  nonIp: number;
  /** Addresses named from DNS answers. */
  names: number;
}

export interface LearnResult {
  json: Record<string, unknown>;
  mud: MudFile;
  rules: LearnedRule[];
  stats: LearnStats;
}

/** RFC 2131 §4.1, RFC 8415 §7.2: DHCP client and server ports; RFC 4861 §4: RS, RA, NS, NA. */
const DHCP_PORTS: readonly [number, number][] = [
  [68, 67],
  [546, 547],
];
const ND_TYPES = new Set([133, 134, 135, 136]);

/** The network basics nft-compile.ts allows anyway: DHCPv4/v6 between client and server ports, ND. */
export function isBasic(ip: PacketIp): boolean {
  if (ip.protocol === IPPROTO_UDP) {
    return DHCP_PORTS.some(([c, s]) => (ip.srcPort === c && ip.dstPort === s) || (ip.srcPort === s && ip.dstPort === c));
  }
  return ip.protocol === IPPROTO_ICMPV6 && ip.icmpType !== undefined && ND_TYPES.has(ip.icmpType);
}

function checkedMac(mac: string, option: string): string {
  const m = normaliseMac(mac);
  if (m === undefined) throw new LearnError('ERR_INTENT_LEARN_INPUT', `${option}: not a MAC address: ${JSON.stringify(mac.slice(0, 40))}`);
  return m;
}

/** Learns from packets fed one by one; `finish` makes the MUD file. */
export class Learner {
  readonly #o: LearnOptions;
  readonly #mac: string;
  readonly #tracker = new ConversationTracker();
  readonly #names = new NameBook();
  readonly #stats: LearnStats = { devicePackets: 0, basics: 0, nonIp: 0, names: 0 };
  #lastUs = 0;

  constructor(o: LearnOptions) {
    this.#o = { ...o, ...(o.gatewayMac === undefined ? {} : { gatewayMac: checkedMac(o.gatewayMac, '--gateway-mac') }) };
    this.#mac = checkedMac(o.mac, '--mac');
    checkMudUrl(o.mudUrl);
  }

  add(p: Packet): void {
    const fromDevice = p.srcMac === this.#mac;
    const toDevice = p.dstMac === this.#mac;
    if (fromDevice === toDevice) return;
    this.#stats.devicePackets++;
    this.#lastUs = Math.max(this.#lastUs, p.timeUs);
    const ip = p.ip;
    if (ip === undefined) {
      this.#stats.nonIp++;
      return;
    }
    if (toDevice) this.#names.add(p);
    if (this.#o.includeBasics !== true && isBasic(ip)) {
      this.#stats.basics++;
      return;
    }
    this.#tracker.add(p, ip, fromDevice);
  }

  finish(): LearnResult {
    if (this.#stats.devicePackets === 0)
      throw new LearnError('ERR_INTENT_LEARN_EMPTY', `no packet from or to ${this.#mac} in the captures`);
    const rules = generalise(this.#tracker.traffic, this.#names, this.#o.gatewayMac);
    this.#stats.names = this.#names.size;
    const o = this.#o;
    const builder = new MudBuilder({
      mudUrl: o.mudUrl,
      lastUpdate: o.lastUpdate ?? new Date(Math.floor(this.#lastUs / 1000)).toISOString(),
      systeminfo: o.systeminfo ?? `learned from the traffic of ${this.#mac}`,
      ...(o.modelName === undefined ? {} : { modelName: o.modelName }),
      ...(o.mfgName === undefined ? {} : { mfgName: o.mfgName }),
    });
    for (const r of rules) builder.allow(r.peer, r.flow);
    const { json, mud } = builder.build();
    return { json, mud, rules, stats: { ...this.#stats } };
  }
}

/** Learns a MUD file from a stream of packets. */
export async function learnMud(packets: AsyncIterable<Packet>, o: LearnOptions): Promise<LearnResult> {
  const learner = new Learner(o);
  for await (const p of packets) learner.add(p);
  return learner.finish();
}
