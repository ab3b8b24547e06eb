/**
 * Watching a gateway's traffic (docs/intent.md, "Watching live traffic"). Packets captured on the
 * devices' side of the gateway are judged by the verdict engine against the policies the firewall
 * enforces now; dropped ones are violations, aggregated per device and flow and reported to the
 * manager in batches (which quarantines a device past its threshold). nftables counters of the
 * default-deny rules are the other source: they count what a capture on the devices' side cannot
 * see (traffic to a device that the gateway dropped), and everything when there is no capture.
 * DNS answers the gateway forwards to a managed device teach the manager the addresses of its
 * file's names (snoop.ts).
 */

import type { IntentFlowInput } from '../../store/intent-flow-repository.ts';
import { dnsAnswers } from '../capture/dns.ts';
import type { Packet } from '../capture/packet.ts';
import type { Enforcer } from '../enforcement-ports.ts';
import { normaliseMac } from '../ip.ts';
import type { ResolvedPolicy } from '../resolve-types.ts';
import { type Flow, flowFromPacket, leavesToDevice, newFlow } from '../verdict/flow.ts';
import { createFlowHistory, type FlowHistory, type SeenFlow } from '../verdict/flow-history.ts';
import { createFlowJudge } from '../verdict/judge.ts';
import { newVerdict } from '../verdict/matcher.ts';
import { createViolationLog, type Violation, type ViolationLog } from '../verdict/violations.ts';
import { MAX_LEARNED_ADDRESSES, type SnoopedName } from './snoop.ts';
import type { IntentLog, IntentManager, IntentViolationReport } from './types.ts';

/** Names kept per device between two ticks for DNS snooping. */
export const MAX_SNOOPED_NAMES = 1024;

export interface TrafficWatchOptions {
  manager: Pick<IntentManager, 'policies' | 'reportViolations' | 'learnNames' | 'recordFlows'>;
  /** The gateway's MAC on the devices' link: only frames to or from it cross the forward path. */
  gatewayMac: string;
  /** The gateway's own addresses: traffic to them is delivered locally, never forwarded. */
  gatewayAddresses: string[];
  /** As in the compiled rules: the network basics, and the resolvers devices may use. */
  basics?: boolean;
  dnsServers?: string[];
  /**
   * As in the compiled rules: the device interfaces; and whether the captured interface is one of
   * them, so frames the gateway sends on it are judged as that interface's `oifname … drop` does.
   */
  deviceInterfaces?: string[];
  captureIsDeviceInterface?: boolean;
  /** nftables counters of the default-deny rules (Enforcer.dropCounters). */
  counters?: NonNullable<Enforcer['dropCounters']>;
  /** True while a capture feeds `packet`: counters then report only what the capture cannot see. */
  capturing: boolean;
  /** Keep the devices' recent flows, accepted and dropped (default true). */
  recordFlows?: boolean;
  /** Learn addresses from DNS answers the gateway forwards to managed devices (default true). */
  snoopDns?: boolean;
  clock?: () => Date;
  log?: IntentLog;
}

export interface TrafficWatchStats {
  packets: number;
  judged: number;
  violations: number;
  reported: number;
  /** Flows (accepted and dropped) added to the devices' recent flows. */
  flows: number;
  /** New flow shapes left out of the recent flows because a report was full. */
  flowsOverflow: number;
}

export interface TrafficWatch {
  /** Takes the policies the firewall enforces now (after devices changed). */
  refresh(): Promise<void>;
  /** Judges one captured packet. */
  packet(p: Packet): void;
  /** Reports what was seen since the last flush, and the counters' increase; resolves with the violations reported. */
  flush(): Promise<number>;
  stats(): TrafficWatchStats;
}

/** A violation as the manager stores it; an ephemeral local port is stored as 0, like none. */
function report(v: Violation): IntentViolationReport {
  return {
    direction: v.direction,
    protocol: v.protocol,
    peer: v.peer,
    ...(v.peerPort === undefined ? {} : { peerPort: v.peerPort }),
    ...(typeof v.localPort === 'number' ? { localPort: v.localPort } : {}),
    acl: v.decision === 'ace' ? `${v.acl ?? ''}/${v.ace ?? ''}` : (v.acl ?? 'default-deny'),
    at: new Date(Math.floor(v.lastUs / 1000)),
    count: v.count,
  };
}

/** A judged flow as the recent flows keep it; ports the flow has not (or ephemeral) are 0. */
function flowInput(s: SeenFlow): IntentFlowInput {
  return {
    mac: s.mac,
    direction: s.direction,
    protocol: s.protocol,
    peer: s.peer,
    peerPort: s.peerPort ?? 0,
    localPort: typeof s.localPort === 'number' ? s.localPort : 0,
    verdict: s.accept ? 'accept' : 'drop',
    rule: s.rule,
    at: new Date(Math.floor(s.lastUs / 1000)),
    count: s.count,
  };
}

function isLocal(p: Packet, gatewayMac: string, own: Set<string>): boolean {
  const ip = p.ip;
  if (ip === undefined) return false;
  return (p.dstMac === gatewayMac && own.has(ip.dst)) || (p.srcMac === gatewayMac && own.has(ip.src));
}

export function createTrafficWatch(o: TrafficWatchOptions): TrafficWatch {
  const gatewayMac = normaliseMac(o.gatewayMac);
  if (gatewayMac === undefined) throw new TypeError(`gatewayMac ${JSON.stringify(o.gatewayMac)} is not a MAC address`);
  const own = new Set(o.gatewayAddresses);
  const judge = createFlowJudge([], {
    basics: o.basics !== false,
    dnsServers: o.dnsServers ?? [],
    deviceInterfaces: o.deviceInterfaces ?? [],
  });
  const guarded = o.captureIsDeviceInterface === true && (o.deviceInterfaces ?? []).length > 0;
  const flow: Flow = newFlow();
  const verdict = newVerdict();
  const counted = new Map<string, { from: number; to: number }>();
  const stats: TrafficWatchStats = { packets: 0, judged: 0, violations: 0, reported: 0, flows: 0, flowsOverflow: 0 };
  let log: ViolationLog = createViolationLog();
  let history: FlowHistory = createFlowHistory();
  let managed = new Set<string>();
  let current: ResolvedPolicy[] | undefined;
  let answers = new Map<string, Map<string, SnoopedName>>();

  /** DNS answers in a frame from the gateway to a managed device. */
  function snoop(p: Packet): void {
    if (p.srcMac !== gatewayMac || !managed.has(p.dstMac)) return;
    for (const a of dnsAnswers(p)) {
      if (a.type === 'CNAME') continue;
      const byName = answers.get(p.dstMac) ?? new Map<string, SnoopedName>();
      answers.set(p.dstMac, byName);
      let s = byName.get(a.name);
      if (s === undefined) {
        // Bounded between two ticks: a device that asks for very many names cannot grow this without end.
        if (byName.size >= MAX_SNOOPED_NAMES) continue;
        s = { name: a.name, addresses: [], ttl: a.ttl };
        byName.set(a.name, s);
      }
      if (!s.addresses.includes(a.value) && s.addresses.length < MAX_LEARNED_ADDRESSES) s.addresses.push(a.value);
      s.ttl = Math.min(s.ttl, a.ttl);
    }
  }

  async function learn(): Promise<void> {
    const seen = answers;
    answers = new Map();
    for (const [mac, byName] of seen) {
      try {
        await o.manager.learnNames(mac, [...byName.values()]);
      } catch (e) {
        o.log?.('warn', 'intent: DNS answers could not be learned', { mac, err: (e as Error).message });
      }
    }
  }

  /** Adds the flows judged since the last flush to the recent flows; a failure is logged, never thrown. */
  async function recordFlows(): Promise<void> {
    const seen = history;
    history = createFlowHistory();
    stats.flowsOverflow += seen.overflow();
    if (seen.overflow() > 0)
      o.log?.('warn', 'intent: more distinct flows than a report keeps; the rest are left out of the recent flows', {
        left: seen.overflow(),
      });
    const flows = seen.list().map(flowInput);
    if (flows.length === 0) return;
    try {
      stats.flows += await o.manager.recordFlows(flows);
    } catch (e) {
      o.log?.('warn', 'intent: recent flows could not be recorded', { flows: flows.length, err: (e as Error).message });
    }
  }

  async function counterReports(now: Date): Promise<Map<string, IntentViolationReport[]>> {
    const out = new Map<string, IntentViolationReport[]>();
    if (o.counters === undefined) return out;
    for (const [mac, c] of await o.counters()) {
      const before = counted.get(mac);
      counted.set(mac, c);
      // The first reading is the baseline: drops before the watch started are not reported again.
      if (before === undefined) continue;
      const add = (direction: 'from-device' | 'to-device', n: number) =>
        n > 0 &&
        out.set(mac, [
          ...(out.get(mac) ?? []),
          { direction, protocol: 0, peer: 'any', acl: 'default-deny (nft counter)', at: now, count: n },
        ]);
      if (!o.capturing) add('from-device', c.from - before.from);
      add('to-device', c.to - before.to);
    }
    return out;
  }

  return {
    async refresh() {
      const policies = await o.manager.policies();
      if (policies === current) return;
      current = policies;
      judge.update(policies);
      managed = new Set(policies.map((x) => x.mac));
    },
    packet(p) {
      stats.packets++;
      if (p.srcMac !== gatewayMac && p.dstMac !== gatewayMac) return;
      if (o.snoopDns !== false) snoop(p);
      if (isLocal(p, gatewayMac, own) || !flowFromPacket(p, flow)) return;
      if (guarded && p.srcMac === gatewayMac) leavesToDevice(flow);
      stats.judged++;
      judge.judge(flow, verdict);
      if (log.add(flow, verdict, judge.labels)) stats.violations++;
      if (o.recordFlows !== false) history.add(flow, verdict, judge.labels);
    },
    async flush() {
      await learn();
      await recordFlows();
      const seen = log.list();
      log = createViolationLog();
      const byMac = await counterReports((o.clock ?? (() => new Date()))());
      for (const v of seen) byMac.set(v.mac, [...(byMac.get(v.mac) ?? []), report(v)]);
      let n = 0;
      for (const [mac, reports] of byMac) {
        try {
          await o.manager.reportViolations(mac, reports);
          n += reports.length;
        } catch (e) {
          o.log?.('warn', 'intent: violations could not be reported', { mac, err: (e as Error).message });
        }
      }
      stats.reported += n;
      return n;
    },
    stats: () => ({ ...stats }),
  };
}
