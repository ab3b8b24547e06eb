/**
 * One resolved ACE as nft rule text (docs/intent.md has the table). Only numbers, validated
 * prefixes and identifiers made here reach the text: nothing from the MUD file is copied into it.
 */
import type { Direction } from '../mud/model/constants.ts';
import { type NftSet, sharedSet } from './nft-sets.ts';
import type { ResolvedAce, ResolvedPort } from './resolve-types.ts';

const int = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`not a non-negative integer: ${n}`);
  return String(n);
};

function portExpr(p: ResolvedPort): string {
  switch (p.op) {
    case 'range':
      return `${int(p.lower)}-${int(p.upper)}`;
    case 'eq':
      return int(p.port);
    case 'neq':
      return `!= ${int(p.port)}`;
    case 'lte':
      return `<= ${int(p.port)}`;
    case 'gte':
      return `>= ${int(p.port)}`;
  }
}

function l4Name(protocol: number | undefined): string {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : 'th';
}

/** The IP families a rule is emitted for; one with an empty constraint on it cannot match and is left out. */
export function familiesOf(ace: ResolvedAce): (4 | 6 | undefined)[] {
  const fromEthertype = ace.ethertype === 0x0800 ? 4 : ace.ethertype === 0x86dd ? 6 : undefined;
  const fixed = ace.family ?? fromEthertype;
  const sets = [...ace.src, ...ace.dst];
  const candidates: (4 | 6 | undefined)[] = fixed !== undefined ? [fixed] : sets.length > 0 ? [4, 6] : [undefined];
  return candidates.filter((f) => f === undefined || sets.every((s) => s.prefixes.some((p) => p.family === f)));
}

/** The rule for `ace` in family `f`, in a chain of direction `dir`, and the shared sets it refers to. */
export function aceRule(ace: ResolvedAce, f: 4 | 6 | undefined, dir: Direction): { rule: string; sets: NftSet[] } {
  const parts: string[] = [];
  const sets: NftSet[] = [];
  if (f !== undefined) parts.push(`meta nfproto ${f === 4 ? 'ipv4' : 'ipv6'}`);
  if (ace.ethertype !== undefined && ace.ethertype !== 0x0800 && ace.ethertype !== 0x86dd)
    parts.push(`ether type 0x${ace.ethertype.toString(16).padStart(4, '0')}`);
  if (ace.protocol !== undefined) parts.push(`meta l4proto ${int(ace.protocol)}`);
  for (const [side, list] of [
    ['saddr', ace.src],
    ['daddr', ace.dst],
  ] as const) {
    for (const s of list) {
      if (f === undefined) continue;
      const set = sharedSet(s.prefixes, f);
      sets.push(set);
      parts.push(`${f === 4 ? 'ip' : 'ip6'} ${side} @${set.name}`);
    }
  }
  const l4 = l4Name(ace.protocol);
  if (ace.srcPort !== undefined) parts.push(`${l4} sport ${portExpr(ace.srcPort)}`);
  if (ace.dstPort !== undefined) parts.push(`${l4} dport ${portExpr(ace.dstPort)}`);
  if (ace.icmp !== undefined) {
    const icmp = f === 6 || ace.protocol === 58 ? 'icmpv6' : 'icmp';
    if (ace.icmp.type !== undefined) parts.push(`${icmp} type ${int(ace.icmp.type)}`);
    if (ace.icmp.code !== undefined) parts.push(`${icmp} code ${int(ace.icmp.code)}`);
  }
  // RFC 8520 direction-initiated: only the named side may open the connection; the other side's
  // packets are allowed only as part of a connection that exists.
  if (ace.directionInitiated !== undefined) parts.push(ace.directionInitiated === dir ? 'ct state new' : 'ct state established,related');
  parts.push(ace.action);
  return { rule: parts.join(' '), sets };
}
