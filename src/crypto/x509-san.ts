/**
 * The subjectAltName extension (RFC 5280 §4.2.1.6) for TLS server certificates: dNSName entries
 * (IA5String) and iPAddress entries (4 octets for IPv4, 16 for IPv6), for `createCertificate`'s
 * `extensions` option. TLS clients match the server's name against these (RFC 6125 §6).
 */
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import { OID } from './cert-info.ts';
import type { CertificateExtensionInput } from './x509-create.ts';

function ipv4Octets(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

function ipv6Octets(ip: string): Uint8Array {
  let text = ip;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted !== null) {
    const [a, b, c, d] = ipv4Octets(dotted[2] as string) as unknown as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = (dotted[1] as string).endsWith('::') ? (dotted[1] as string) : (dotted[1] as string).slice(0, -1);
  }
  const hex = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = hex(head);
  const right = [...hex(rest), ...tail];
  const words = rest === undefined ? [...left, ...tail] : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

/** The octets of an IP address in network order (RFC 5280 §4.2.1.6 iPAddress). */
export function ipAddressOctets(ip: string): Uint8Array {
  const v = isIP(ip);
  if (v === 4) return ipv4Octets(ip);
  if (v === 6) return ipv6Octets(ip);
  throw new TypeError(`${ip} is not an IP address`);
}

/** A non-critical subjectAltName extension naming `names`: IP addresses as iPAddress, others as dNSName. */
export function subjectAltNameExtension(names: readonly string[]): CertificateExtensionInput {
  if (!Array.isArray(names) || names.length === 0) throw new TypeError('subjectAltNameExtension needs at least one name');
  const entries = names.map((name) => {
    if (typeof name !== 'string' || name === '') throw new TypeError('subject alternative names must be non-empty strings');
    if (isIP(name) !== 0) return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 7 }, valueHex: ipAddressOctets(name) });
    if (!/^[A-Za-z0-9.*-]+$/.test(name)) throw new TypeError(`${JSON.stringify(name)} is not a DNS name`);
    return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: new TextEncoder().encode(name) });
  });
  return { oid: OID.subjectAltName, value: new Uint8Array(new asn1js.Sequence({ value: entries }).toBER()) };
}
