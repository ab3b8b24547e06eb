/**
 * The candidates of a chain for one packet, found without trying every rule: rules are grouped by
 * IP family and protocol, and within a group an interval index over the peer address (the
 * destination in a from-device chain, the source in a to-device chain) lists, for each stretch of
 * addresses, the rules whose peer set covers it plus the rules without a peer set, in chain
 * order. The first matching candidate is the first matching rule, so the answer is unchanged.
 */
import type { AddressRanges, Rule } from './rule.ts';

export interface PeerIndex {
  family: 4 | 6;
  /** Sorted interval starts: one number each (IPv4) or four words each (IPv6). */
  bounds: Uint32Array;
  /** lists[j]: candidates for addresses from bound j-1 (inclusive) to bound j (exclusive); lists[0] below the first. */
  lists: Rule[][];
}

/** Protocol slots of a group: TCP, UDP, ICMP, ICMPv6; any other protocol (-1) tries every rule. */
export const slotOf = (protocol: number): number =>
  protocol === 6 ? 0 : protocol === 17 ? 1 : protocol === 1 ? 2 : protocol === 58 ? 3 : -1;

function inGroup(r: Rule, family: 4 | 6, protocol: number): boolean {
  return (r.family === 0 || r.family === family) && (r.protocol < 0 || r.protocol === protocol || r.protocol2 === protocol);
}

/** The range's end plus one, in words; undefined when it is the last address. */
function after(words: Uint32Array, at: number, n: number): Uint32Array | undefined {
  const out = words.slice(at, at + n);
  for (let i = n - 1; i >= 0; i--) {
    if (out[i] !== 0xffffffff) {
      out[i] = (out[i] as number) + 1;
      return out;
    }
    out[i] = 0;
  }
  return undefined;
}

function cmp(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

interface Event {
  at: Uint32Array;
  rule: number;
  delta: number;
}

function events(rules: Rule[], peer: (r: Rule) => AddressRanges | undefined, n: number): Event[] {
  const out: Event[] = [];
  rules.forEach((r, i) => {
    const set = peer(r);
    if (set === undefined) return;
    for (let k = 0; k < set.ranges.length; k += 2 * n) {
      out.push({ at: set.ranges.slice(k, k + n), rule: i, delta: 1 });
      const end = after(set.ranges, k + n, n);
      if (end !== undefined) out.push({ at: end, rule: i, delta: -1 });
    }
  });
  return out.sort((a, b) => cmp(a.at, b.at));
}

/** Builds the index of the rules of one family and protocol; `peerSide` picks the peer's sets. */
export function buildPeerIndex(all: Rule[], family: 4 | 6, protocol: number, peerSide: 'src' | 'dst'): PeerIndex {
  const rules = all.filter((r) => inGroup(r, family, protocol));
  const peer = (r: Rule): AddressRanges | undefined => (peerSide === 'src' ? r.src[0] : r.dst[0]);
  const n = family === 4 ? 1 : 4;
  const active = new Int32Array(rules.length);
  const always = rules.map((r) => peer(r) === undefined);
  const current = (): Rule[] => rules.filter((_, i) => always[i] || (active[i] as number) > 0);
  const bounds: number[] = [];
  const lists: Rule[][] = [current()];
  const ev = events(rules, peer, n);
  for (let i = 0; i < ev.length; ) {
    const at = (ev[i] as Event).at;
    while (i < ev.length && cmp((ev[i] as Event).at, at) === 0) {
      const e = ev[i] as Event;
      active[e.rule] = (active[e.rule] as number) + e.delta;
      i++;
    }
    bounds.push(...at);
    lists.push(current());
  }
  return { family, bounds: Uint32Array.from(bounds), lists };
}

/** The candidates for peer address `a` (words). */
export function candidates(ix: PeerIndex, a: Uint32Array): Rule[] {
  const b = ix.bounds;
  let lo = 0;
  if (ix.family === 4) {
    const v = a[0] as number;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((b[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return ix.lists[lo] as Rule[];
  }
  let hi = b.length / 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (le6(b, mid * 4, a)) lo = mid + 1;
    else hi = mid;
  }
  return ix.lists[lo] as Rule[];
}

/** b[at..at+3] <= a. */
function le6(b: Uint32Array, at: number, a: Uint32Array): boolean {
  for (let i = 0; i < 4; i++) {
    const x = b[at + i] as number;
    const y = a[i] as number;
    if (x !== y) return x < y;
  }
  return true;
}
