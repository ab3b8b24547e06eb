/**
 * The ACL part of a MUD file: RFC 8519 (ietf-access-control-list, ietf-packet-fields) with the
 * augmentations of RFC 8520 (ietf-mud matches, ietf-acldns names, direction-initiated) and
 * RFC 9761 (ietf-acl-tls client profiles).
 */
import type { AclType, Direction, ForwardingAction, LogAction, PortOperator } from './constants.ts';
import type { TlsDtlsProfile } from './extensions.ts';

/** A port match (RFC 8519 port-range-or-operator): a range, or an operator and a port. */
export type PortMatch = { kind: 'range'; lower: number; upper: number } | { kind: 'operator'; operator: PortOperator; port: number };

export interface EthMatch {
  destinationMac?: string;
  destinationMacMask?: string;
  sourceMac?: string;
  sourceMacMask?: string;
  /** The numeric ethertype (named values resolved through RFC 8519 ietf-ethertypes). */
  ethertype?: number;
}

/** Fields common to IPv4 and IPv6 matches, with the ietf-acldns names. */
export interface IpMatchCommon {
  dscp?: number;
  ecn?: number;
  length?: number;
  ttl?: number;
  protocol?: number;
  /** ietf-acldns:src-dnsname (RFC 8520, module ietf-acldns). */
  srcDnsName?: string;
  /** ietf-acldns:dst-dnsname (RFC 8520, module ietf-acldns). */
  dstDnsName?: string;
}

export interface Ipv4Match extends IpMatchCommon {
  ihl?: number;
  flags?: string[];
  offset?: number;
  identification?: number;
  sourceNetwork?: string;
  destinationNetwork?: string;
}

export interface Ipv6Match extends IpMatchCommon {
  sourceNetwork?: string;
  destinationNetwork?: string;
  flowLabel?: number;
}

export interface TcpMatch {
  sequenceNumber?: number;
  acknowledgementNumber?: number;
  dataOffset?: number;
  reserved?: number;
  flags?: string[];
  windowSize?: number;
  urgentPointer?: number;
  options?: string;
  sourcePort?: PortMatch;
  destinationPort?: PortMatch;
  /** ietf-mud:direction-initiated (RFC 8520, module ietf-mud): who opens the connection. */
  directionInitiated?: Direction;
}

export interface UdpMatch {
  length?: number;
  sourcePort?: PortMatch;
  destinationPort?: PortMatch;
}

export interface IcmpMatch {
  type?: number;
  code?: number;
  restOfHeader?: string;
}

/** The ietf-mud:mud matches (RFC 8520, module ietf-mud): abstractions that stand for sets of addresses. */
export interface MudMatch {
  /** Devices whose MUD URL has this authority. */
  manufacturer?: string;
  /** Devices whose MUD URL has the same authority as this one's. */
  sameManufacturer?: true;
  /** Devices with exactly this MUD URL. */
  model?: string;
  /** Addresses the local network considers local. */
  localNetworks?: true;
  /** A class of controllers named by URI. */
  controller?: string;
  /** The controller(s) configured for this device's MUD URL. */
  myController?: true;
}

export interface Matches {
  eth?: EthMatch;
  ipv4?: Ipv4Match;
  ipv6?: Ipv6Match;
  tcp?: TcpMatch;
  udp?: UdpMatch;
  icmp?: IcmpMatch;
  mud?: MudMatch;
  egressInterface?: string;
  ingressInterface?: string;
  /** ietf-acl-tls:client-profiles (RFC 9761). */
  tlsClientProfiles?: TlsDtlsProfile[];
}

export interface Actions {
  forwarding: ForwardingAction;
  logging: LogAction;
}

/** An access control entry. */
export interface Ace {
  name: string;
  matches: Matches;
  actions: Actions;
}

/** An access control list. */
export interface Acl {
  name: string;
  type?: AclType;
  aces: Ace[];
}
