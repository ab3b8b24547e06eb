/**
 * Addresses and prefixes as the compiler writes them: validated, the host bits cleared, IPv6 in
 * full (eight groups), so nothing from outside reaches the nft script unchecked.
 */
import { isIPv4, isIPv6 } from 'node:net';

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

function v4ToBig(a: string): bigint {
  return a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBig(a: string): bigint {
  let s = a;
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1] !== undefined) {
    const n = v4ToBig(dotted[1]);
    s = `${s.slice(0, -dotted[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 0xffn).toString()).join('.');
}

function bigToV6(n: bigint): string {
  return [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString(16)).join(':');
}

/** Parses an address or CIDR prefix; undefined when it is neither. Host bits are cleared. */
export function parsePrefix(value: string): Prefix | undefined {
  const [addr = '', len, extra] = value.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = isIPv4(addr) ? 4 : isIPv6(addr) && !addr.includes('%') ? 6 : undefined;
  if (family === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const length = len === undefined ? bits : Number(len);
  if (length > bits) return undefined;
  const n = family === 4 ? v4ToBig(addr) : v6ToBig(addr);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);
  const net = n & mask;
  return { family, text: `${family === 4 ? bigToV4(net) : bigToV6(net)}/${length}` };
}
