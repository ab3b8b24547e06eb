/** The device context a MUD file is resolved against, and the resolved policy (see docs/intent.md). */
import type { Direction, ForwardingAction } from '../mud/model/constants.ts';
import type { Prefix } from './ip.ts';

export interface DeviceContext {
  mac: string;
  ipv4?: string;
  ipv6?: string;
  /** RFC 8520 §8.4 `controller`: class URI → controller addresses. */
  controllers: Map<string, string[]>;
  /** RFC 8520 §8.5 `my-controller`: the controllers configured for this device's MUD URL. */
  myControllers: string[];
  /** RFC 8520 §8.6 `local-networks`: the prefixes this network calls local. */
  localNetworks: string[];
  /** ietf-acldns names → addresses (a resolver's answers; no lookups happen here); case and a final dot do not matter. */
  names: Map<string, string[]>;
  /** RFC 8520 §8.1/§8.2: MUD URL authority → addresses of the devices whose MUD URL has it. */
  manufacturers?: Map<string, string[]>;
  /** RFC 8520 §8.3 `model`: MUD URL → addresses of the devices with exactly that MUD URL. */
  models?: Map<string, string[]>;
}

/** One constraint on one side of a packet: it matches when the address is in any of `prefixes`. */
export interface AddressSet {
  /** What the set stands for, e.g. `dnsname test.example.com`, `controller`, `network`. */
  origin: string;
  prefixes: Prefix[];
}

export type ResolvedPort = { op: 'eq' | 'neq' | 'lte' | 'gte'; port: number } | { op: 'range'; lower: number; upper: number };

export interface ResolvedAce {
  acl: string;
  ace: string;
  /** The IP family the ACE is limited to, or undefined when it names none. */
  family?: 4 | 6;
  ethertype?: number;
  protocol?: number;
  /** Every set must match (logical and); an empty list is no constraint. */
  src: AddressSet[];
  dst: AddressSet[];
  srcPort?: ResolvedPort;
  dstPort?: ResolvedPort;
  icmp?: { type?: number; code?: number };
  directionInitiated?: Direction;
  action: ForwardingAction;
}

export interface ResolvedAcl {
  name: string;
  aces: ResolvedAce[];
}

export interface IntentWarning {
  code: string;
  where: string;
  message: string;
}

export interface ResolvedPolicy {
  mac: string;
  ipv4?: Prefix;
  ipv6?: Prefix;
  mudUrl: string;
  fromDevice: ResolvedAcl[];
  toDevice: ResolvedAcl[];
  warnings: IntentWarning[];
}
