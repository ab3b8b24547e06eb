/**
 * The TCP ports a MUD file (RFC 8520) lets peers open connections to on the device: what its
 * to-device policy accepts, read the way IoTopia's MUD manager enforces it (docs/intent.md). The
 * ACEs of the policy's ACLs are taken in order, first match wins (RFC 8519 §4.1).
 *
 * Sources are not resolved: an ACE that accepts from a controller, the same manufacturer, the
 * local networks, a DNS name or a prefix allows its ports, since some peer may reach them
 * (docs/compliance.md, "Open-port probe").
 */
import type { Ace, PortMatch } from '../../mud/model/acl.ts';
import type { MudFile } from '../../mud/model/mud-file.ts';
import { PORT_MAX, PortSet } from './port-set.ts';

/** RFC 8519 §4.2 / IANA protocol numbers: TCP. */
const IPPROTO_TCP = 6;
/** IEEE 802 ethertypes (RFC 8519 ietf-ethertypes): IPv4 and IPv6. */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

export interface MudInboundPortsOptions {
  /** Count only ACEs that match this IP family (the probed address's); default both. */
  family?: 4 | 6;
}

/** The ports of an RFC 8519 port-range-or-operator. */
export function portMatchSet(p: PortMatch): PortSet {
  if (p.kind === 'range') return PortSet.of([[p.lower, p.upper]]);
  switch (p.operator) {
    case 'eq':
      return PortSet.of([[p.port, p.port]]);
    case 'lte':
      return PortSet.of([[0, p.port]]);
    case 'gte':
      return PortSet.of([[p.port, PORT_MAX]]);
    case 'neq':
      return PortSet.of([
        [0, p.port - 1],
        [p.port + 1, PORT_MAX],
      ]);
  }
}

/** Whether the ACE's IP family (from its ipv4/ipv6 match or its ethertype) admits `family`. */
function familyMatches(ace: Ace, family: 4 | 6 | undefined): boolean {
  const m = ace.matches;
  const ethertype = m.eth?.ethertype;
  if (ethertype !== undefined && ethertype !== ETHERTYPE_IPV4 && ethertype !== ETHERTYPE_IPV6) return false;
  const v4 = m.ipv4 !== undefined || ethertype === ETHERTYPE_IPV4;
  const v6 = m.ipv6 !== undefined || ethertype === ETHERTYPE_IPV6;
  // Both at once (an IPv4 match with the IPv6 ethertype) matches no packet.
  if (v4 && v6) return false;
  if (family === undefined || (!v4 && !v6)) return true;
  return v4 ? family === 4 : family === 6;
}

/**
 * The device ports a new inbound TCP connection matching `ace` may go to, or undefined when the
 * ACE never matches one: another transport, another family, or `direction-initiated` from-device
 * (the device must open the connection, RFC 8520 ietf-mud). A source port does not narrow the
 * device's ports: the peer chooses its own source port.
 */
export function aceInboundTcpPorts(ace: Ace, family?: 4 | 6): PortSet | undefined {
  const m = ace.matches;
  if (m.udp !== undefined || m.icmp !== undefined) return undefined;
  const protocol = m.ipv4?.protocol ?? m.ipv6?.protocol;
  if (protocol !== undefined && protocol !== IPPROTO_TCP) return undefined;
  if (!familyMatches(ace, family)) return undefined;
  if (m.tcp?.directionInitiated === 'from-device') return undefined;
  const dst = m.tcp?.destinationPort;
  return dst === undefined ? PortSet.ALL : portMatchSet(dst);
}

const defined = (o: object | undefined): string[] =>
  o === undefined ? [] : Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [k]));
const within = (keys: string[], allowed: readonly string[]): boolean => keys.every((k) => allowed.includes(k));

/**
 * Whether a drop or reject ACE matches every peer for its ports: it names no source, no address,
 * no MUD abstraction and no other header field. Only such an ACE takes ports away from the ACEs
 * after it; one with a condition still lets the other peers through to them.
 */
function matchesEveryPeer(ace: Ace): boolean {
  const m = ace.matches;
  return (
    within(defined(m), ['ipv4', 'ipv6', 'tcp', 'eth']) &&
    within(defined(m.ipv4), ['protocol']) &&
    within(defined(m.ipv6), ['protocol']) &&
    within(defined(m.tcp), ['destinationPort', 'directionInitiated']) &&
    within(defined(m.eth), ['ethertype'])
  );
}

/** The TCP ports peers may connect to on a device with the validated MUD file `mud`. */
export function mudInboundPorts(mud: MudFile, options: MudInboundPortsOptions = {}): PortSet {
  let allowed = PortSet.EMPTY;
  let denied = PortSet.EMPTY;
  for (const name of mud.mud.toDevicePolicy?.aclNames ?? []) {
    const acl = mud.acls.find((a) => a.name === name);
    // A validated file defines every ACL its policies name (ERR_MUD_UNRESOLVED_ACL).
    for (const ace of acl?.aces ?? []) {
      const ports = aceInboundTcpPorts(ace, options.family);
      if (ports === undefined) continue;
      if (ace.actions.forwarding === 'accept') allowed = allowed.union(ports.minus(denied));
      else if (matchesEveryPeer(ace)) denied = denied.union(ports);
    }
  }
  return allowed;
}
