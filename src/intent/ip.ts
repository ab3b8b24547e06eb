/**
 * Addresses and prefixes as the compiler writes them: validated, the host bits cleared, IPv6 in
 * full (eight groups), so nothing from outside reaches the nft script unchecked. Parsed with plain
 * numbers (IPv4 as one word, IPv6 as eight 16-bit groups) and no regular expression; the result
 * of a short text is kept, frozen, so the addresses a device context repeats are parsed once.
 */

export interface Prefix {
  family: 4 | 6;
  /** The network address and length, e.g. `192.0.2.0/24` or `2001:db8:0:0:0:0:0:0/32`. */
  text: string;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A MAC address in lower case with colons, or undefined when it is not one. */
export function normaliseMac(mac: string): string | undefined {
  const m = mac.trim().toLowerCase().replaceAll('-', ':');
  return MAC.test(m) ? m : undefined;
}

/** Texts longer than this are never a prefix worth keeping (the longest valid one is 49 characters). */
const CACHE_TEXT_MAX = 64;
/** The most results kept; past it the cache starts again (a bound on memory, not a tuning knob). */
const CACHE_ENTRIES_MAX = 1 << 16;
const cache = new Map<string, Readonly<Prefix> | null>();

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * RFC 791 dotted-decimal, strictly: four decimal octets of at most 255, no leading zero (as
 * node:net's isIPv4 reads it). The value as an unsigned number, or -1.
 */
function v4Value(s: string, from: number, to: number): number {
  let value = 0;
  let octets = 0;
  let i = from;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < to && isDigit(s.charCodeAt(i)) && i - start < 3) octet = octet * 10 + (s.charCodeAt(i++) - 48);
    const digits = i - start;
    if (digits === 0 || octet > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= to || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === to ? value : -1;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Colon-separated groups of s[from, to) appended to `out` (RFC 4291 §2.2): one to four hex digits
 * each; the last may be a dotted IPv4 address (two groups) when `v4Tail`. False when malformed.
 */
function v6Groups(s: string, from: number, to: number, v4Tail: boolean, out: number[]): boolean {
  if (from === to) return true;
  let i = from;
  for (;;) {
    const start = i;
    let group = 0;
    while (i < to && s.charCodeAt(i) !== 58) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0 || i - start === 4) break;
      group = group * 16 + d;
      i++;
    }
    if (i < to && s.charCodeAt(i) !== 58) {
      if (!v4Tail) return false;
      const v4 = v4Value(s, start, to);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
      return true;
    }
    if (i === start) return false;
    out.push(group);
    if (i === to) return true;
    i++;
    if (i === to) return false;
  }
}

/** RFC 4291 §2.2 text (no zone) as eight 16-bit groups, or undefined. */
function v6Value(s: string): number[] | undefined {
  const gap = s.indexOf('::');
  const head: number[] = [];
  if (gap < 0) return v6Groups(s, 0, s.length, true, head) && head.length === 8 ? head : undefined;
  const tail: number[] = [];
  if (!v6Groups(s, 0, gap, false, head) || !v6Groups(s, gap + 2, s.length, true, tail)) return undefined;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 1) return undefined;
  for (let k = 0; k < zeros; k++) head.push(0);
  for (const g of tail) head.push(g);
  return head;
}

/** A prefix length: one to three ASCII digits, at most `bits`; -1 otherwise. */
function prefixLength(s: string, from: number, bits: number): number {
  const n = s.length - from;
  if (n < 1 || n > 3) return -1;
  let length = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    length = length * 10 + (c - 48);
  }
  return length <= bits ? length : -1;
}

function v4Text(n: number, length: number): string {
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${length}`;
}

function v6Text(groups: number[], length: number): string {
  const parts: string[] = [];
  for (let g = 0; g < 8; g++) {
    const bits = Math.min(16, Math.max(0, length - 16 * g));
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    parts.push(((groups[g] as number) & mask).toString(16));
  }
  return `${parts.join(':')}/${length}`;
}

function parse(value: string): Prefix | undefined {
  const s = value.trim();
  const slash = s.indexOf('/');
  if (slash >= 0 && s.indexOf('/', slash + 1) >= 0) return undefined;
  const end = slash < 0 ? s.length : slash;
  const v4 = v4Value(s, 0, end);
  const bits = v4 >= 0 ? 32 : 128;
  const length = slash < 0 ? bits : prefixLength(s, slash + 1, bits);
  if (length < 0) return undefined;
  if (v4 >= 0) return { family: 4, text: v4Text(v4, length) };
  const groups = v6Value(slash < 0 ? s : s.slice(0, slash));
  return groups === undefined ? undefined : { family: 6, text: v6Text(groups, length) };
}

/** Parses an address or CIDR prefix; undefined when it is neither. Host bits are cleared. */
export function parsePrefix(value: string): Prefix | undefined {
  const hit = cache.get(value);
  if (hit !== undefined) return hit ?? undefined;
  const p = parse(value);
  if (value.length <= CACHE_TEXT_MAX) {
    if (cache.size >= CACHE_ENTRIES_MAX) cache.clear();
    cache.set(value, p === undefined ? null : Object.freeze(p));
  }
  return p;
}
