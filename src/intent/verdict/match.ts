/** Whether a packet (a Flow) meets one rule: the per-packet hot path, allocation-free. */
import type { Flow } from './flow.ts';
import { type AddressRanges, PORT_NEQ, PORT_NONE, type Rule } from './rule.ts';

function inV4(r: Uint32Array, a: number): boolean {
  // Merged, sorted [low, high] pairs: a linear scan for short sets, a binary search otherwise.
  if (r.length <= 16) {
    for (let i = 0; i < r.length; i += 2) if (a >= (r[i] as number) && a <= (r[i + 1] as number)) return true;
    return false;
  }
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a < (r[2 * mid] as number)) hi = mid - 1;
    else if (a > (r[2 * mid + 1] as number)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** a (4 words) compared with r[at..at+3]: negative, zero or positive. */
function cmp6(a: Uint32Array, r: Uint32Array, at: number): number {
  for (let w = 0; w < 4; w++) {
    const d = (a[w] as number) - (r[at + w] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function inV6(r: Uint32Array, a: Uint32Array): boolean {
  for (let i = 0; i < r.length; i += 8) if (cmp6(a, r, i) >= 0 && cmp6(a, r, i + 4) <= 0) return true;
  return false;
}

function inAll(sets: AddressRanges[], family: number, a: Uint32Array): boolean {
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i] as AddressRanges;
    if (s.family !== family) return false;
    if (family === 4 ? !inV4(s.ranges, a[0] as number) : !inV6(s.ranges, a)) return false;
  }
  return true;
}

function portOk(op: number, low: number, high: number, port: number): boolean {
  if (op === PORT_NONE) return true;
  if (port < 0) return false;
  return op === PORT_NEQ ? port !== low : port >= low && port <= high;
}

/** True when `f`, in conntrack state `ct`, meets every expression of `r`. */
export function ruleMatches(r: Rule, f: Flow, ct: number): boolean {
  if (r.family !== 0 && r.family !== f.family) return false;
  if (r.ethertype >= 0 && r.ethertype !== f.ethertype) return false;
  if (r.protocol >= 0 && f.protocol !== r.protocol && f.protocol !== r.protocol2) return false;
  if (r.src.length > 0 && !inAll(r.src, f.family, f.src)) return false;
  if (r.dst.length > 0 && !inAll(r.dst, f.family, f.dst)) return false;
  if (!portOk(r.srcPortOp, r.srcPortLow, r.srcPortHigh, f.srcPort)) return false;
  if (!portOk(r.dstPortOp, r.dstPortLow, r.dstPortHigh, f.dstPort)) return false;
  if (r.icmpTypes !== null && (f.icmpType < 0 || r.icmpTypes[f.icmpType] === 0)) return false;
  if (r.icmpCode >= 0 && f.icmpCode !== r.icmpCode) return false;
  return r.ct === 0 || r.ct === ct;
}
