/**
 * Where a device finds its servers: rendezvous URLs from the credential's RendezvousInfo (FDO 1.1
 * §3.7) and owner URLs from the RVTO2Addr that TO1 returns (§3.3.14). Only HTTP and HTTPS are
 * spoken here; entries for other transports are skipped. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, RFC 4291 §2.5.5.2), which some implementations send for an IPv4 owner, is
 * reached over IPv4, so a host without IPv6 can still connect.
 */
import { isIPv6 } from 'node:net';
import { RVProtocolValue, TransportProtocol } from '../constants/rendezvous.ts';
import { ipAddressFromString } from '../types/ip-address.ts';
import { type RendezvousInfo, rendezvousDirectiveView } from '../types/rendezvous-info.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** The IPv4 address an IPv4-mapped IPv6 address stands for; any other host unchanged. */
export function connectHost(host: string): string {
  if (!isIPv6(host)) return host;
  const ip = ipAddressFromString(host);
  const mapped = ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? [...ip.subarray(12)].join('.') : host;
}

function url(scheme: 'http' | 'https', host: string, port: number | undefined): string {
  const p = port === undefined ? '' : `:${port}`;
  return `${scheme}://${hostPart(connectHost(host))}${p}`;
}

/** Rendezvous server URLs for the device, in the credential's order (bypass directives excluded). */
export function rendezvousUrls(rvInfo: RendezvousInfo): string[] {
  const out: string[] = [];
  for (const directive of rvInfo) {
    const v = rendezvousDirectiveView(directive);
    if (v.ownerOnly || v.bypass) continue;
    const scheme = v.protocol === RVProtocolValue.RVProtHttps ? 'https' : v.protocol === undefined || v.protocol <= 1 ? 'http' : undefined;
    if (scheme === undefined) continue;
    for (const host of [v.dns, v.ipAddress]) if (host !== undefined) out.push(url(scheme, host, v.devPort));
  }
  return [...new Set(out)];
}

/** Owner URLs from TO1.RVRedirect, in the owner's order. */
export function ownerUrls(addr: RvTo2Addr): string[] {
  const out: string[] = [];
  for (const e of addr) {
    const scheme = e.protocol === TransportProtocol.ProtHTTP ? 'http' : e.protocol === TransportProtocol.ProtHTTPS ? 'https' : undefined;
    if (scheme === undefined) continue;
    for (const host of [e.dns, e.ip]) if (host !== undefined) out.push(url(scheme, host, e.port));
  }
  return [...new Set(out)];
}
