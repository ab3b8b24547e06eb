/**
 * One nftables rule of a device chain (src/intent/nft-rule.ts, docs/intent.md) as numbers: the
 * verdict engine tests these fields in the order nft would, so both give the same answer.
 */
import type { Direction } from '../../mud/model/constants.ts';
import type { Prefix } from '../ip.ts';
import { familiesOf } from '../nft-rule.ts';
import type { ResolvedAce, ResolvedPort } from '../resolve-types.ts';
import { v4Range, v6Range } from './addr.ts';

/** `ct state` as the rule needs it, and the state of a packet. */
export const CT_ANY = 0;
export const CT_NEW = 1;
export const CT_ESTABLISHED = 2;
export const CT_INVALID = 3;

/** Port operators as numbers: -1 no constraint. */
export const PORT_NONE = -1;
export const PORT_RANGE = 0;
export const PORT_NEQ = 1;

/**
 * Inclusive ranges of one address set in one family: IPv4 `[low, high]` pairs; IPv6 groups of eight
 * words (low 0..3, high 0..3).
 */
export interface AddressRanges {
  family: 4 | 6;
  ranges: Uint32Array;
}

export interface Rule {
  /** Index of the rule's label in the engine's label table. */
  label: number;
  /** 0 any, 4 or 6 (`meta nfproto`). */
  family: number;
  /** A non-IP `ether type`; -1 none. */
  ethertype: number;
  /** `meta l4proto` (and the second value of `{ tcp, udp }`); -1 none. */
  protocol: number;
  protocol2: number;
  src: AddressRanges[];
  dst: AddressRanges[];
  srcPortOp: number;
  srcPortLow: number;
  srcPortHigh: number;
  dstPortOp: number;
  dstPortLow: number;
  dstPortHigh: number;
  /** ICMP types accepted (a 256-entry table), or null; and the code, -1 any. */
  icmpTypes: Uint8Array | null;
  icmpCode: number;
  ct: number;
  accept: boolean;
}

export function emptyRule(label: number, accept: boolean): Rule {
  return {
    label,
    family: 0,
    ethertype: -1,
    protocol: -1,
    protocol2: -1,
    src: [],
    dst: [],
    srcPortOp: PORT_NONE,
    srcPortLow: 0,
    srcPortHigh: 0,
    dstPortOp: PORT_NONE,
    dstPortLow: 0,
    dstPortHigh: 0,
    icmpTypes: null,
    icmpCode: -1,
    ct: CT_ANY,
    accept,
  };
}

/** A port constraint as [op, low, high]: eq/lte/gte/range become a range, neq stays a single port. */
function portRange(p: ResolvedPort): [number, number, number] {
  switch (p.op) {
    case 'range':
      return [PORT_RANGE, p.lower, p.upper];
    case 'eq':
      return [PORT_RANGE, p.port, p.port];
    case 'lte':
      return [PORT_RANGE, 0, p.port];
    case 'gte':
      return [PORT_RANGE, p.port, 65535];
    case 'neq':
      return [PORT_NEQ, p.port, p.port];
  }
}

/** The prefixes of one family as merged, sorted ranges (nft interval sets with auto-merge match the same). */
export function addressRanges(prefixes: Prefix[], family: 4 | 6): AddressRanges {
  let only: Prefix | undefined;
  let count = 0;
  for (const p of prefixes) {
    if (p.family !== family) continue;
    if (count++ === 0) only = p;
    else if (p.text !== only?.text) return mergedRanges(prefixes, family);
  }
  // The common case: one prefix of the family (perhaps repeated).
  const r = only === undefined ? undefined : family === 4 ? v4Range(only.text) : v6Range(only.text);
  return { family, ranges: r === undefined ? new Uint32Array(0) : Uint32Array.from(r) };
}

function mergedRanges(prefixes: Prefix[], family: 4 | 6): AddressRanges {
  const texts = [...new Set(prefixes.filter((p) => p.family === family).map((p) => p.text))];
  if (family === 4) {
    const pairs = texts.map((t) => v4Range(t)).filter((r): r is [number, number] => r !== undefined);
    pairs.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const p of pairs) {
      const last = merged[merged.length - 1];
      if (last !== undefined && p[0] <= last[1] + 1) last[1] = Math.max(last[1], p[1]);
      else merged.push([p[0], p[1]]);
    }
    return { family, ranges: Uint32Array.from(merged.flat()) };
  }
  const out: number[] = [];
  for (const t of texts) {
    const r = v6Range(t);
    if (r !== undefined) out.push(...r);
  }
  return { family, ranges: Uint32Array.from(out) };
}

export function typeTable(types: number[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const x of types) t[x & 255] = 1;
  return t;
}

/**
 * The rules nft-rule.ts emits for `ace` in a chain of direction `dir`: one per IP family
 * (familiesOf), with the same implied dependencies (`tcp dport` needs TCP, `icmp type` needs ICMP
 * over IPv4, `icmpv6 type` ICMPv6 over IPv6).
 */
export function aceRules(ace: ResolvedAce, dir: Direction, label: number): Rule[] {
  return familiesOf(ace).map((f) => {
    const r = emptyRule(label, ace.action === 'accept');
    r.family = f ?? 0;
    if (ace.ethertype !== undefined && ace.ethertype !== 0x0800 && ace.ethertype !== 0x86dd) r.ethertype = ace.ethertype;
    if (ace.protocol !== undefined) r.protocol = ace.protocol;
    if (f !== undefined) {
      r.src = ace.src.map((s) => addressRanges(s.prefixes, f));
      r.dst = ace.dst.map((s) => addressRanges(s.prefixes, f));
    }
    if (ace.srcPort !== undefined) [r.srcPortOp, r.srcPortLow, r.srcPortHigh] = portRange(ace.srcPort);
    if (ace.dstPort !== undefined) [r.dstPortOp, r.dstPortLow, r.dstPortHigh] = portRange(ace.dstPort);
    if (ace.protocol === undefined && (ace.srcPort !== undefined || ace.dstPort !== undefined)) [r.protocol, r.protocol2] = [6, 17];
    if (ace.icmp !== undefined) {
      const v6 = f === 6 || ace.protocol === 58;
      if (ace.icmp.type !== undefined || ace.icmp.code !== undefined) [r.family, r.protocol] = v6 ? [6, 58] : [4, 1];
      if (ace.icmp.type !== undefined) r.icmpTypes = typeTable([ace.icmp.type]);
      if (ace.icmp.code !== undefined) r.icmpCode = ace.icmp.code;
    }
    if (ace.directionInitiated !== undefined) r.ct = ace.directionInitiated === dir ? CT_NEW : CT_ESTABLISHED;
    return r;
  });
}
