/**
 * Generalisation: episodes of conversations become the ACEs of a learned MUD file. The rules are
 * documented in docs/intent.md ("Learning"): peers by DNS name, the local network, or the address
 * as a host prefix; ephemeral ports left out; who initiated kept.
 */
import type { FlowSpec, Peer } from '../../mud/author/builder.ts';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from '../capture/decode.ts';
import type { Observation, ObservedTraffic } from './conversations.ts';
import { deviceSubnet, type Locality, type LocalityContext, localityOf } from './locality.ts';
import type { NameBook } from './names.ts';
import { isEphemeral } from './ports.ts';

export interface LearnedRule {
  peer: Peer;
  flow: FlowSpec & { family: 'ipv4' | 'ipv6' };
  locality: Locality;
  /** Episodes (connections, exchanges) that made this rule, and when. */
  episodes: number;
  firstUs: number;
  lastUs: number;
  /** Addresses seen behind the peer. */
  addresses: string[];
}

const PEER_ORDER: Record<string, number> = { domain: 0, 'local-networks': 1, address: 2 };

function peerOf(o: Observation, locality: Locality, names: NameBook): Peer {
  const family = o.family === 4 ? 'ipv4' : 'ipv6';
  if (locality === 'local') return { kind: 'local-networks' };
  const name = locality === 'internet' ? names.nameOf(o.peer) : undefined;
  if (name !== undefined) return { kind: 'domain', name };
  return { kind: 'address', family, network: `${o.peer}/${o.family === 4 ? 32 : 128}` };
}

function flowOf(o: Observation): FlowSpec & { family: 'ipv4' | 'ipv6' } {
  const family = o.family === 4 ? 'ipv4' : 'ipv6';
  const initiatedBy = o.initiatedBy;
  if (o.protocol === IPPROTO_TCP || o.protocol === IPPROTO_UDP) {
    const flow: FlowSpec & { family: 'ipv4' | 'ipv6' } = { protocol: o.protocol === IPPROTO_TCP ? 'tcp' : 'udp', family, initiatedBy };
    const responder = initiatedBy === 'device' ? 'peer' : 'device';
    if (o.responderPort !== undefined && !isEphemeral(o.responderPort, responder)) flow.port = o.responderPort;
    return flow;
  }
  if ((o.protocol === IPPROTO_ICMP && o.family === 4) || (o.protocol === IPPROTO_ICMPV6 && o.family === 6)) {
    const flow: FlowSpec & { family: 'ipv4' | 'ipv6' } = { protocol: 'icmp', family, initiatedBy };
    if (o.icmpType !== undefined) flow.icmpType = o.icmpType;
    return flow;
  }
  return { protocol: 'ip', ipProtocol: o.protocol, family, initiatedBy };
}

const peerText = (p: Peer): string => (p.kind === 'domain' ? p.name : p.kind === 'address' ? p.network : p.kind);

function ruleKey(r: LearnedRule): string {
  const f = r.flow;
  return [peerText(r.peer), f.family, f.protocol, f.ipProtocol, f.port, f.icmpType, f.initiatedBy].join(' ');
}

/** Sort order: peer kind, peer, family, protocol, port, ICMP type, initiator. */
function compareRules(a: LearnedRule, b: LearnedRule): number {
  const pa = PEER_ORDER[a.peer.kind] ?? 9;
  const pb = PEER_ORDER[b.peer.kind] ?? 9;
  if (pa !== pb) return pa - pb;
  const fields = (r: LearnedRule): (string | number)[] => [
    peerText(r.peer),
    r.flow.family,
    r.flow.protocol,
    r.flow.ipProtocol ?? -1,
    r.flow.port ?? -1,
    r.flow.icmpType ?? -1,
    r.flow.initiatedBy ?? 'device',
  ];
  const fa = fields(a);
  const fb = fields(b);
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i]!;
    const y = fb[i]!;
    if (x === y) continue;
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The learned rules of the observed traffic, merged and sorted (deterministic for the same input). */
export function generalise(traffic: ObservedTraffic, names: NameBook, gatewayMac: string | undefined): LearnedRule[] {
  const subnets = new Set<string>();
  for (const [addr, family] of traffic.deviceAddrs) {
    const s = deviceSubnet(addr, family);
    if (s !== undefined) subnets.add(s);
  }
  const ctx: LocalityContext = { subnets, gatewayMac };
  const merged = new Map<string, LearnedRule>();
  for (const { obs, count, firstUs, lastUs } of traffic.observations.values()) {
    const locality = localityOf(obs.peer, obs.family, traffic.peerMacs.get(obs.peer) ?? new Set(), ctx);
    const rule: LearnedRule = {
      peer: peerOf(obs, locality, names),
      flow: flowOf(obs),
      locality,
      episodes: count,
      firstUs,
      lastUs,
      addresses: [obs.peer],
    };
    const key = ruleKey(rule);
    const seen = merged.get(key);
    if (seen === undefined) merged.set(key, rule);
    else {
      seen.episodes += count;
      seen.firstUs = Math.min(seen.firstUs, firstUs);
      seen.lastUs = Math.max(seen.lastUs, lastUs);
      if (!seen.addresses.includes(obs.peer)) seen.addresses.push(obs.peer);
    }
  }
  const rules = [...merged.values()].sort(compareRules);
  for (const r of rules) r.addresses.sort();
  return rules;
}
