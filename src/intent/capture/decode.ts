/**
 * Decodes an Ethernet frame to a Packet: Ethernet II with IEEE 802.1Q / 802.1ad tags, IPv4 (RFC
 * 791) with options and fragments, IPv6 (RFC 8200) with extension headers, then TCP (RFC 9293),
 * UDP (RFC 768), ICMP (RFC 792) or ICMPv6 (RFC 4443). Returns undefined for a frame too short for
 * the headers it announces. Views into the frame are returned, never copies.
 */
import { ipv4Text, ipv6Text, macText } from './addr.ts';
import type { CapturedFrame } from './frame.ts';
import type { Packet, PacketIp } from './packet.ts';

/** IEEE 802.1Q customer VLAN tag and IEEE 802.1ad service tag TPIDs. */
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IANA protocol numbers. */
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_DSTOPTS = 60;

const ETH_HEADER = 14;
const MAX_TAGS = 4;
const MAX_EXTENSION_HEADERS = 16;

export function decodePacket(frame: CapturedFrame): Packet | undefined {
  const d = frame.data;
  if (d.length < ETH_HEADER) return undefined;
  let at = 12;
  let ethertype = (d[at]! << 8) | d[at + 1]!;
  for (let tags = 0; (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ) && tags < MAX_TAGS; tags++) {
    at += 4;
    if (d.length < at + 2) return undefined;
    ethertype = (d[at]! << 8) | d[at + 1]!;
  }
  at += 2;
  const packet: Packet = {
    timeUs: frame.timeUs,
    wireLength: frame.wireLength,
    dstMac: macText(d, 0),
    srcMac: macText(d, 6),
    ethertype,
    ip: undefined,
    linkPayload: undefined,
  };
  if (ethertype === ETHERTYPE_IPV4) {
    packet.ip = decodeIpv4(d, at);
    if (packet.ip === undefined) return undefined;
  } else if (ethertype === ETHERTYPE_IPV6) {
    packet.ip = decodeIpv6(d, at);
    if (packet.ip === undefined) return undefined;
  } else {
    packet.linkPayload = d.subarray(at);
  }
  return packet;
}

function newIp(family: 4 | 6, src: string, dst: string, protocol: number, laterFragment: boolean): PacketIp {
  return {
    family,
    src,
    dst,
    protocol,
    laterFragment,
    srcPort: undefined,
    dstPort: undefined,
    tcpFlags: undefined,
    icmpType: undefined,
    icmpCode: undefined,
    payload: undefined,
  };
}

function decodeIpv4(d: Uint8Array, at: number): PacketIp | undefined {
  if (d.length < at + 20 || d[at]! >> 4 !== 4) return undefined;
  const ihl = (d[at]! & 0x0f) * 4;
  const total = (d[at + 2]! << 8) | d[at + 3]!;
  if (ihl < 20 || total < ihl || d.length < at + ihl) return undefined;
  const fragOffset = ((d[at + 6]! & 0x1f) << 8) | d[at + 7]!;
  const ip = newIp(4, ipv4Text(d, at + 12), ipv4Text(d, at + 16), d[at + 9]!, fragOffset !== 0);
  const end = Math.min(d.length, at + total);
  return ip.laterFragment ? ip : decodeTransport(ip, d, at + ihl, end);
}

function decodeIpv6(d: Uint8Array, at: number): PacketIp | undefined {
  if (d.length < at + 40 || d[at]! >> 4 !== 6) return undefined;
  const payloadLength = (d[at + 4]! << 8) | d[at + 5]!;
  // A payload length of 0 announces a jumbogram (RFC 2675): take what was captured.
  const end = payloadLength === 0 ? d.length : Math.min(d.length, at + 40 + payloadLength);
  let next = d[at + 6]!;
  let off = at + 40;
  let laterFragment = false;
  for (let n = 0; n < MAX_EXTENSION_HEADERS; n++) {
    if (
      next !== IPPROTO_HOPOPTS &&
      next !== IPPROTO_ROUTING &&
      next !== IPPROTO_DSTOPTS &&
      next !== IPPROTO_FRAGMENT &&
      next !== IPPROTO_AH
    )
      break;
    if (end < off + 8) return undefined;
    const len = next === IPPROTO_FRAGMENT ? 8 : next === IPPROTO_AH ? (d[off + 1]! + 2) * 4 : (d[off + 1]! + 1) * 8;
    if (next === IPPROTO_FRAGMENT) laterFragment = (((d[off + 2]! << 8) | d[off + 3]!) & 0xfff8) !== 0;
    next = d[off]!;
    off += len;
    if (laterFragment) break;
  }
  const ip = newIp(6, ipv6Text(d, at + 8), ipv6Text(d, at + 24), next, laterFragment);
  return laterFragment ? ip : decodeTransport(ip, d, off, end);
}

/** Fills ports, flags or ICMP type; undefined when the transport header is cut short. */
function decodeTransport(ip: PacketIp, d: Uint8Array, at: number, end: number): PacketIp | undefined {
  const p = ip.protocol;
  if (p === IPPROTO_TCP) {
    if (end < at + 20) return undefined;
    const dataOffset = (d[at + 12]! >> 4) * 4;
    if (dataOffset < 20) return undefined;
    ip.srcPort = (d[at]! << 8) | d[at + 1]!;
    ip.dstPort = (d[at + 2]! << 8) | d[at + 3]!;
    ip.tcpFlags = d[at + 13]!;
    ip.payload = d.subarray(Math.min(at + dataOffset, end), end);
  } else if (p === IPPROTO_UDP) {
    if (end < at + 8) return undefined;
    ip.srcPort = (d[at]! << 8) | d[at + 1]!;
    ip.dstPort = (d[at + 2]! << 8) | d[at + 3]!;
    ip.payload = d.subarray(at + 8, end);
  } else if ((p === IPPROTO_ICMP && ip.family === 4) || (p === IPPROTO_ICMPV6 && ip.family === 6)) {
    if (end < at + 2) return undefined;
    ip.icmpType = d[at]!;
    ip.icmpCode = d[at + 1]!;
  }
  return ip;
}
