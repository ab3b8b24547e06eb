/**
 * The address sets of IoTopia's table, named by what they hold: a set is `a_` and 13 hex digits of
 * the SHA-256 of its family and canonical elements, so devices whose ACEs resolved to the same
 * addresses share one set (docs/decisions/0025-nft-shared-sets.md: the kernel looks sets up by
 * name in a list, so a transaction's cost grows with the square of the number of sets in the
 * table). A set's content never changes under its name; a new resolution is a new set.
 */
import { createHash } from 'node:crypto';
import type { Prefix } from './ip.ts';

/** `a_` and 13 hex digits: 15 characters, so a name fits an `ifname` key (the `refs` set). */
export const SHARED_SET = /^a_[0-9a-f]{13}$/;

/** A named interval set of addresses; `elements` are disjoint prefixes in canonical text. */
export interface NftSet {
  name: string;
  family: 4 | 6;
  elements: string[];
}

interface Span {
  start: bigint;
  end: bigint;
  text: string;
}

function spanOf(p: Prefix): Span {
  const slash = p.text.indexOf('/');
  const length = Number(p.text.slice(slash + 1));
  const addr = p.text.slice(0, slash);
  const bits = p.family === 4 ? 32 : 128;
  const start =
    p.family === 4
      ? addr.split('.').reduce((n, o) => (n << 8n) | BigInt(o), 0n)
      : addr.split(':').reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
  const host = bits === length ? 0n : (1n << BigInt(bits - length)) - 1n;
  return { start, end: start | host, text: p.text.replace(p.family === 4 ? /\/32$/ : /\/128$/, '') };
}

/**
 * The prefixes of family `f` without those inside another (CIDR prefixes either nest or are
 * disjoint, and nft refuses overlapping intervals), in address order.
 */
export function canonicalElements(prefixes: readonly Prefix[], f: 4 | 6): string[] {
  const spans = prefixes
    .filter((p) => p.family === f)
    .map(spanOf)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
  const out: string[] = [];
  let end = -1n;
  for (const s of spans) {
    if (s.start <= end) continue;
    out.push(s.text);
    end = s.end;
  }
  return out;
}

const names = new Map<string, string>();
/** Bound on the memo of set names (a bound on memory, not a tuning knob). */
const NAMES_MAX = 1 << 16;

/** The shared set holding `prefixes` of family `f`. */
export function sharedSet(prefixes: readonly Prefix[], f: 4 | 6): NftSet {
  const elements = canonicalElements(prefixes, f);
  const key = `${f}|${elements.join(',')}`;
  let name = names.get(key);
  if (name === undefined) {
    name = `a_${createHash('sha256').update(key).digest('hex').slice(0, 13)}`;
    if (names.size >= NAMES_MAX) names.clear();
    names.set(key, name);
  }
  return { name, family: f, elements };
}
