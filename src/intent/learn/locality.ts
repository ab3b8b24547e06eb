/**
 * Where a peer is, seen from the device: on the local network, on the internet, or a group
 * (multicast or broadcast) address. Rules in docs/intent.md ("Learning").
 */
import { BlockList } from 'node:net';
import { parsePrefix } from '../ip.ts';

export type Locality = 'local' | 'internet' | 'group';

/** RFC 1918 private, RFC 3927 and RFC 4291 §2.5.6 link-local, RFC 4193 unique local addresses. */
const LOCAL = new BlockList();
LOCAL.addSubnet('10.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('172.16.0.0', 12, 'ipv4');
LOCAL.addSubnet('192.168.0.0', 16, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addSubnet('fc00::', 7, 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');
/** RFC 5771 IPv4 multicast, RFC 4291 §2.7 IPv6 multicast, and the limited broadcast (RFC 919). */
const GROUP = new BlockList();
GROUP.addSubnet('224.0.0.0', 4, 'ipv4');
GROUP.addAddress('255.255.255.255', 'ipv4');
GROUP.addSubnet('ff00::', 8, 'ipv6');
/** RFC 3927 and RFC 4291 §2.5.6 link-local: local even when reached through the gateway's MAC. */
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** The subnet assumed around the device: a /24 for IPv4, a /64 for IPv6. */
export function deviceSubnet(addr: string, family: 4 | 6): string | undefined {
  return parsePrefix(`${addr}/${family === 4 ? 24 : 64}`)?.text;
}

export interface LocalityContext {
  /** The /24 and /64 subnets of the device's own addresses. */
  subnets: ReadonlySet<string>;
  gatewayMac: string | undefined;
}

/**
 * The locality of a peer address, reached through `peerMacs` (the MACs its packets used). Group
 * addresses first; link-local is local; with a gateway MAC, a peer reached only through it is on
 * the internet unless it is private or in the device's subnet (the gateway's own address), and a
 * peer reached through another MAC is local; without one, private and same-subnet peers are local.
 */
export function localityOf(addr: string, family: 4 | 6, peerMacs: ReadonlySet<string>, ctx: LocalityContext): Locality {
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (GROUP.check(addr, type)) return 'group';
  if (LINK_LOCAL.check(addr, type)) return 'local';
  const subnet = deviceSubnet(addr, family);
  const nearby = LOCAL.check(addr, type) || (subnet !== undefined && ctx.subnets.has(subnet));
  if (ctx.gatewayMac !== undefined && [...peerMacs].some((m) => m !== ctx.gatewayMac)) return 'local';
  return nearby ? 'local' : 'internet';
}
