/**
 * FDO 1.1 §3.3.14 RVTO2Addr: where the owner can be reached for TO2, as the rendezvous server
 * returns it in TO1. Each entry is `[RVIP / null, RVDNS / null, RVPort, RVProtocol]`; at least one
 * of address and name is present.
 */
import { TransportProtocol } from '../constants/rendezvous.ts';
import { ipAddressFromString, ipAddressToString, parseIpAddress } from './ip-address.ts';
import { asArray, asOneOf, asText, asUint, messageBodyError } from './read.ts';

export type TransportProtocolNumber = (typeof TransportProtocol)[keyof typeof TransportProtocol];

export interface RvTo2AddrEntry {
  /** IPv4 dotted quad or IPv6 text. */
  ip?: string;
  dns?: string;
  port: number;
  protocol: TransportProtocolNumber;
}

export type RvTo2Addr = RvTo2AddrEntry[];

const MAX_ENTRIES = 32;

export function parseRvTo2Addr(v: unknown, where: string): RvTo2Addr {
  return asArray(v, [1, MAX_ENTRIES], where).map((e, i) => {
    const w = `${where}[${i}]`;
    const [ip, dns, port, protocol] = asArray(e, 4, w);
    const entry: RvTo2AddrEntry = {
      port: asUint(port, `${w}.RVPort`, 0xffff),
      protocol: asOneOf(protocol, TransportProtocol, `${w}.RVProtocol`),
    };
    if (ip !== null) entry.ip = ipAddressToString(parseIpAddress(ip, `${w}.RVIP`));
    if (dns !== null) entry.dns = asText(dns, `${w}.RVDNS`, 255);
    if (entry.ip === undefined && entry.dns === undefined) throw messageBodyError(w, 'neither RVIP nor RVDNS is given');
    return entry;
  });
}

export function encodeRvTo2Addr(addr: RvTo2Addr): unknown[] {
  return addr.map((e) => [e.ip === undefined ? null : ipAddressFromString(e.ip), e.dns ?? null, e.port, e.protocol]);
}
