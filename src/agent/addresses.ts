/**
 * Where a device finds its servers: rendezvous URLs from the credential's RendezvousInfo (FDO 1.1
 * §3.7) and owner URLs from the RVTO2Addr that TO1 returns (§3.3.14). Only HTTP and HTTPS are
 * spoken here; entries for other transports are skipped.
 */
import { RVProtocolValue, TransportProtocol } from '../fdo/constants/rendezvous.ts';
import { type RendezvousInfo, rendezvousDirectiveView } from '../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../fdo/types/rv-to2-addr.ts';

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

function url(scheme: 'http' | 'https', host: string, port: number | undefined): string {
  const p = port === undefined ? '' : `:${port}`;
  return `${scheme}://${hostPart(host)}${p}`;
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
