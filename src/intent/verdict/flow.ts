/**
 * The numeric form of one packet that the verdict engine judges: everything the nftables rules of
 * docs/intent.md look at, as numbers, in one reusable object so a verdict allocates nothing.
 */
import type { Packet } from '../capture/packet.ts';
import { macNumber, parseV4, parseV6 } from './addr.ts';

export interface Flow {
  /** Packet time in microseconds (capture time), for connection tracking timeouts. */
  timeUs: number;
  /** MACs as 48-bit numbers (-1 unknown): at the forward hook, the frame as it arrived at the gateway. */
  srcMac: number;
  dstMac: number;
  ethertype: number;
  /** 4, 6, or 0 for a frame that is not IP. */
  family: number;
  /** IPv4: word 0; IPv6: words 0..3, most significant first. */
  src: Uint32Array;
  dst: Uint32Array;
  protocol: number;
  /** -1 when the packet has no port (not TCP/UDP, or a later fragment). */
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  /** -1 when not ICMP/ICMPv6. */
  icmpType: number;
  icmpCode: number;
  /** The ICMP echo identifier, part of the connection key; 0 when unknown. */
  icmpId: number;
  /**
   * The packet leaves the gateway through a device interface (NftCompileOptions.deviceInterfaces,
   * the kernel's `oifname`); false when it leaves through another one or that is not known.
   */
  deviceLink: boolean;
  /** On that link, the MAC it is sent to (-1 unknown): names the device an unknown-address drop concerns. */
  linkDstMac: number;
}

export function newFlow(): Flow {
  return {
    timeUs: 0,
    srcMac: -1,
    dstMac: -1,
    ethertype: 0,
    family: 0,
    src: new Uint32Array(4),
    dst: new Uint32Array(4),
    protocol: -1,
    srcPort: -1,
    dstPort: -1,
    tcpFlags: 0,
    icmpType: -1,
    icmpCode: -1,
    icmpId: 0,
    deviceLink: false,
    linkDstMac: -1,
  };
}

function address(family: 4 | 6, text: string, out: Uint32Array): boolean {
  if (family === 6) return parseV6(text, out);
  const v = parseV4(text);
  if (v === undefined) return false;
  out[0] = v;
  out[1] = out[2] = out[3] = 0;
  return true;
}

/** Fills `out` from a decoded packet; false when its addresses cannot be read (the caller skips it). */
export function flowFromPacket(p: Packet, out: Flow): boolean {
  out.timeUs = p.timeUs;
  out.srcMac = macNumber(p.srcMac);
  out.dstMac = macNumber(p.dstMac);
  out.ethertype = p.ethertype;
  out.family = 0;
  out.protocol = out.srcPort = out.dstPort = out.icmpType = out.icmpCode = -1;
  out.tcpFlags = out.icmpId = 0;
  out.deviceLink = false;
  out.linkDstMac = -1;
  const ip = p.ip;
  if (ip === undefined) return true;
  if (!address(ip.family, ip.src, out.src) || !address(ip.family, ip.dst, out.dst)) return false;
  out.family = ip.family;
  out.protocol = ip.protocol;
  out.srcPort = ip.srcPort ?? -1;
  out.dstPort = ip.dstPort ?? -1;
  out.tcpFlags = ip.tcpFlags ?? 0;
  out.icmpType = ip.icmpType ?? -1;
  out.icmpCode = ip.icmpCode ?? -1;
  return true;
}

/**
 * Marks a frame captured on a device interface, sent by the gateway to `dstMac`, as what the
 * `to_device` chain of a routed gateway saw: it leaves through the device interface to that MAC,
 * and the frame it arrived in was addressed to the gateway, so no device is found by MAC (only
 * by its address, when the gateway was given it).
 */
export function leavesToDevice(f: Flow): void {
  f.deviceLink = true;
  f.linkDstMac = f.dstMac;
  f.dstMac = -1;
}

/** An address of a flow as text (for reports), from its words. */
export function addressText(family: number, words: Uint32Array): string {
  const w = (i: number): number => words[i] as number;
  if (family === 4) return [w(0) >>> 24, (w(0) >>> 16) & 255, (w(0) >>> 8) & 255, w(0) & 255].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(w(i) >>> 16, w(i) & 0xffff);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
