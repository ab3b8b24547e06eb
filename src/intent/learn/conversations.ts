/**
 * The conversations of one device in captured packets, cut into episodes as connection tracking
 * would see them: an episode starts with the first packet of a 5-tuple, a TCP SYN, or a packet
 * after 30 s of silence, and its sender is the initiator. Each episode start is an observation;
 * generalisation (rules.ts) turns observations into ACEs.
 */
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from '../capture/decode.ts';
import type { Packet, PacketIp } from '../capture/packet.ts';

/** Silence after which the next packet of a 5-tuple starts a new episode (the shortest UDP conntrack timeout). */
export const EPISODE_GAP_US = 30_000_000;
/** RFC 9293 §3.1: the SYN and ACK flags. */
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** RFC 792 / RFC 4443: reply types of queries, so both halves of an exchange share a conversation. */
const ICMP_QUERY_OF: Readonly<Record<number, number>> = { 0: 8, 14: 13, 16: 15, 129: 128 };

/** The start of an episode: who sent its first packet, and what to. */
export interface Observation {
  family: 4 | 6;
  protocol: number;
  peer: string;
  initiatedBy: 'device' | 'peer';
  /** TCP/UDP: the destination port of the initiator's packet, and the initiator's own port. */
  responderPort: number | undefined;
  initiatorPort: number | undefined;
  icmpType: number | undefined;
  /** Whether the episode began with a SYN (TCP). */
  syn: boolean;
}

interface Conversation {
  lastUs: number;
  obs: Observation;
}

export interface ObservedTraffic {
  observations: Map<string, { obs: Observation; count: number; firstUs: number; lastUs: number }>;
  /** MACs each peer address was reached through. */
  peerMacs: Map<string, Set<string>>;
  /** The device's own addresses (unspecified addresses excluded). */
  deviceAddrs: Map<string, 4 | 6>;
}

export function emptyTraffic(): ObservedTraffic {
  return { observations: new Map(), peerMacs: new Map(), deviceAddrs: new Map() };
}

function conversationKey(ip: PacketIp, fromDevice: boolean): string {
  const [dev, peer] = fromDevice ? [ip.src, ip.dst] : [ip.dst, ip.src];
  if (ip.protocol === IPPROTO_TCP || ip.protocol === IPPROTO_UDP) {
    const [dp, pp] = fromDevice ? [ip.srcPort, ip.dstPort] : [ip.dstPort, ip.srcPort];
    return `${ip.protocol} ${dev} ${dp} ${peer} ${pp}`;
  }
  if (ip.protocol === IPPROTO_ICMP || ip.protocol === IPPROTO_ICMPV6) {
    const t = ip.icmpType ?? -1;
    return `${ip.protocol} ${dev} ${peer} ${ICMP_QUERY_OF[t] ?? t}`;
  }
  return `${ip.protocol} ${dev} ${peer}`;
}

function observationKey(o: Observation): string {
  return `${o.family} ${o.protocol} ${o.peer} ${o.initiatedBy} ${o.responderPort} ${o.icmpType}`;
}

/** Follows the packets of one device and records the start of every episode. */
export class ConversationTracker {
  readonly traffic: ObservedTraffic = emptyTraffic();
  readonly #conversations = new Map<string, Conversation>();

  /** Adds one IP packet of the device (`fromDevice` says which way). */
  add(p: Packet, ip: PacketIp, fromDevice: boolean): void {
    if (ip.laterFragment) return;
    const peer = fromDevice ? ip.dst : ip.src;
    const devAddr = fromDevice ? ip.src : ip.dst;
    if (devAddr !== '0.0.0.0' && devAddr !== '::' && fromDevice) this.traffic.deviceAddrs.set(devAddr, ip.family);
    const macs = this.traffic.peerMacs.get(peer) ?? new Set<string>();
    this.traffic.peerMacs.set(peer, macs);
    macs.add(fromDevice ? p.dstMac : p.srcMac);
    const key = conversationKey(ip, fromDevice);
    const conv = this.#conversations.get(key);
    const syn = ip.protocol === IPPROTO_TCP && ((ip.tcpFlags ?? 0) & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (conv === undefined || syn || p.timeUs - conv.lastUs > EPISODE_GAP_US || p.timeUs < conv.lastUs) {
      const obs: Observation = {
        family: ip.family,
        protocol: ip.protocol,
        peer,
        initiatedBy: fromDevice ? 'device' : 'peer',
        responderPort: ip.dstPort,
        initiatorPort: ip.srcPort,
        icmpType: ip.icmpType,
        syn,
      };
      this.#conversations.set(key, { lastUs: p.timeUs, obs });
      this.#record(obs, p.timeUs);
    } else {
      conv.lastUs = p.timeUs;
    }
  }

  #record(obs: Observation, timeUs: number): void {
    const key = observationKey(obs);
    const seen = this.traffic.observations.get(key);
    if (seen === undefined) this.traffic.observations.set(key, { obs, count: 1, firstUs: timeUs, lastUs: timeUs });
    else {
      seen.count++;
      seen.lastUs = Math.max(seen.lastUs, timeUs);
    }
  }
}
