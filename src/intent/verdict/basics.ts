/**
 * The network basics of nft-compile.ts as engine rules: ICMPv6 ND/RS/RA (RFC 4861 §4), DHCPv4
 * (RFC 2131 §4.1: client port 68, server port 67), DHCPv6 (RFC 8415 §7.2: 546/547) and DNS
 * (port 53) to the configured resolvers.
 */
import type { Direction } from '../../mud/model/constants.ts';
import type { Prefix } from '../ip.ts';
import { addressRanges, emptyRule, PORT_RANGE, type Rule, typeTable } from './rule.ts';

/** RFC 4861 §4.1–4.4: router solicitation 133, router advertisement 134, neighbour solicitation 135, advertisement 136. */
const ND_FROM = [133, 135, 136];
const ND_TO = [134, 135, 136];

function udp(family: 4 | 6, sport: number, dport: number, label: number): Rule {
  const r = emptyRule(label, true);
  r.family = family;
  r.protocol = 17;
  [r.srcPortOp, r.srcPortLow, r.srcPortHigh] = [PORT_RANGE, sport, sport];
  [r.dstPortOp, r.dstPortLow, r.dstPortHigh] = [PORT_RANGE, dport, dport];
  return r;
}

function nd(types: number[], label: number): Rule {
  const r = emptyRule(label, true);
  r.family = 6;
  r.protocol = 58;
  r.icmpTypes = typeTable(types);
  return r;
}

/** The basics rules of one direction, in the order nft-compile.ts writes them. */
export function basicsRules(dir: Direction, dns: Prefix[], label: number): Rule[] {
  if (dir === 'to-device') return [nd(ND_TO, label), udp(4, 67, 68, label), udp(6, 547, 546, label)];
  const rules = [nd(ND_FROM, label), udp(4, 68, 67, label), udp(6, 546, 547, label)];
  for (const f of [4, 6] as const) {
    if (!dns.some((p) => p.family === f)) continue;
    const r = emptyRule(label, true);
    r.family = f;
    r.dst = [addressRanges(dns, f)];
    [r.protocol, r.protocol2] = [6, 17];
    [r.dstPortOp, r.dstPortLow, r.dstPortHigh] = [PORT_RANGE, 53, 53];
    rules.push(r);
  }
  return rules;
}
