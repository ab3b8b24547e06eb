/** FDO 1.1 §3.3.9 IPAddress: a bstr of 4 (IPv4) or 16 (IPv6) bytes in network order. */
import { isIPv4, isIPv6 } from 'node:net';
import { asBstr, messageBodyError } from './read.ts';

export type IpAddress = Uint8Array;

export function parseIpAddress(v: unknown, where: string): IpAddress {
  const b = asBstr(v, where);
  if (b.length !== 4 && b.length !== 16) throw messageBodyError(where, `an IP address has 4 or 16 bytes, not ${b.length}`);
  return b;
}

/** Dotted quad for IPv4; for IPv6 the eight groups in hex (uncompressed, which every parser accepts). */
export function ipAddressToString(ip: IpAddress): string {
  if (ip.length === 4) return [...ip].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return groups.join(':');
}

export function ipAddressFromString(text: string): IpAddress {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number));
  if (!isIPv6(text)) throw new TypeError(`${JSON.stringify(text)} is not an IP address`);
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let t = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const q = (v4[1] as string).split('.').map(Number) as [number, number, number, number];
    t = `${t.slice(0, v4.index)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? (t.split('::') as [string, string]) : [t, undefined];
  const h = head === '' ? [] : head.split(':');
  const tl = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}
