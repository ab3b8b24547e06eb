/**
 * Violations: dropped packets aggregated per device, direction and flow — protocol, peer address,
 * peer port and local port (collapsed when ephemeral), or ICMP type and code — with the ACL the
 * packet fell through, first and last time seen, and a count. Only drops count: the basics and
 * established traffic are accepted, so they never appear.
 */
import type { Direction } from '../../mud/model/constants.ts';
import { addressText, type Flow } from './flow.ts';
import type { RuleLabel } from './labels.ts';
import type { Verdict } from './matcher.ts';

/**
 * Local ports from here up are treated as ephemeral and collapsed: the dynamic range of RFC 6335
 * §6 starts at 49152, and Linux hands out 32768–60999 (ip_local_port_range) by default.
 */
export const EPHEMERAL_PORT_MIN = 32768;

export interface Violation {
  mac: string;
  direction: Direction;
  family: 4 | 6;
  protocol: number;
  /** The other end of the flow. */
  peer: string;
  peerPort?: number;
  /** The device's port, or 'ephemeral' when it is in the ephemeral range. */
  localPort?: number | 'ephemeral';
  icmpType?: number;
  icmpCode?: number;
  /**
   * `default-deny` when no ACE matched (`acl` is then the last ACL tried), `ace` for an ACE that
   * drops or rejects, `unknown-address` for new traffic to an address of the device the gateway
   * was not given, out a device interface (`acl` is then `unknown-device-address`).
   */
  decision: 'default-deny' | 'ace' | 'unknown-address';
  acl?: string;
  ace?: string;
  /** Capture times in microseconds since the Unix epoch. */
  firstUs: number;
  lastUs: number;
  count: number;
}

export interface ViolationLog {
  /** Counts `f` when `v` dropped it (`labels`: of the matcher that judged it); returns whether it did. */
  add(f: Flow, v: Verdict, labels: RuleLabel[]): boolean;
  /** The violations, in the order first seen. */
  list(): Violation[];
}

/** What a flow looked like from the device's side: direction, peer, ports, ICMP type, its time. */
export type FlowShape = Omit<Violation, 'decision' | 'acl' | 'ace'>;

/** The flow `f` of device `mac` as seen from the device, counted 0 times so far. */
export function flowShape(f: Flow, direction: Direction, mac: string): FlowShape {
  const toDevice = direction === 'to-device';
  const v: FlowShape = {
    mac,
    direction,
    family: f.family === 6 ? 6 : 4,
    protocol: f.protocol,
    peer: addressText(f.family, toDevice ? f.src : f.dst),
    firstUs: f.timeUs,
    lastUs: f.timeUs,
    count: 0,
  };
  const peerPort = toDevice ? f.srcPort : f.dstPort;
  const localPort = toDevice ? f.dstPort : f.srcPort;
  if (peerPort >= 0) v.peerPort = peerPort;
  if (localPort >= 0) v.localPort = localPort >= EPHEMERAL_PORT_MIN ? 'ephemeral' : localPort;
  if (f.icmpType >= 0) [v.icmpType, v.icmpCode] = [f.icmpType, f.icmpCode];
  return v;
}

function describe(f: Flow, label: RuleLabel, mac: string): Violation {
  const v: Violation = {
    ...flowShape(f, label.direction ?? 'from-device', mac),
    decision: label.kind === 'ace' || label.kind === 'unknown-address' ? label.kind : 'default-deny',
  };
  if (label.acl !== undefined) v.acl = label.acl;
  if (label.ace !== undefined) v.ace = label.ace;
  return v;
}

const keyOf = (v: Violation): string =>
  [v.mac, v.direction, v.family, v.protocol, v.peer, v.peerPort, v.localPort, v.icmpType, v.icmpCode, v.acl, v.ace].join('|');

export function createViolationLog(): ViolationLog {
  const byKey = new Map<string, Violation>();
  return {
    add(f, v, labels) {
      if (v.accept) return false;
      const label = labels[v.label];
      if (label === undefined || (label.kind !== 'ace' && label.kind !== 'default-deny' && label.kind !== 'unknown-address')) return false;
      // A drop to an address no device was given concerns a device only when the frame went to its MAC.
      if (v.mac === '') return false;
      const fresh = describe(f, label, v.mac);
      const key = keyOf(fresh);
      const seen = byKey.get(key) ?? fresh;
      byKey.set(key, seen);
      seen.count++;
      seen.firstUs = Math.min(seen.firstUs, f.timeUs);
      seen.lastUs = Math.max(seen.lastUs, f.timeUs);
      return true;
    },
    list: () => [...byKey.values()],
  };
}
