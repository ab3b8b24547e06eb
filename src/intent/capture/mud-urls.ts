/**
 * MUD URLs announced by devices in captured traffic (RFC 8520 §10, §12): DHCPv4 requests to the
 * server port, DHCPv6 client messages to the server port, and LLDP frames.
 */
import { MudUrlError } from '../../mud/url/errors.ts';
import { IPPROTO_UDP } from './decode.ts';
import { dhcp4MudUrl, dhcp6MudUrl } from './dhcp-request.ts';
import { CaptureError } from './errors.ts';
import { ETHERTYPE_LLDP, lldpMudUrl } from './lldp-frame.ts';
import type { Packet } from './packet.ts';

/** RFC 2131 §4.1 and RFC 8415 §7.2: the DHCP server ports. */
export const DHCP4_SERVER_PORT = 67;
export const DHCP6_SERVER_PORT = 547;

export type MudUrlCarrier = 'dhcpv4' | 'dhcpv6' | 'lldp';

export interface MudUrlSighting {
  mac: string;
  url: string;
  source: MudUrlCarrier;
  timeUs: number;
  /** DHCPv4 only: the requested address, or ciaddr. */
  ipv4?: string;
}

/** A carrier that was found but did not decode (the option, the TLV or the message around it). */
export interface MudUrlProblem {
  mac: string;
  source: MudUrlCarrier;
  timeUs: number;
  code: string;
  message: string;
}

function carrierOf(p: Packet): MudUrlCarrier | undefined {
  if (p.ethertype === ETHERTYPE_LLDP && p.linkPayload !== undefined) return 'lldp';
  const ip = p.ip;
  if (ip === undefined || ip.protocol !== IPPROTO_UDP || ip.payload === undefined) return undefined;
  if (ip.family === 4 && ip.dstPort === DHCP4_SERVER_PORT) return 'dhcpv4';
  if (ip.family === 6 && ip.dstPort === DHCP6_SERVER_PORT) return 'dhcpv6';
  return undefined;
}

function sightingOf(p: Packet, source: MudUrlCarrier): MudUrlSighting | undefined {
  if (source === 'lldp') {
    const url = lldpMudUrl(p.linkPayload!);
    return url === undefined ? undefined : { mac: p.srcMac, url, source, timeUs: p.timeUs };
  }
  if (source === 'dhcpv6') {
    const url = dhcp6MudUrl(p.ip!.payload!);
    return url === undefined ? undefined : { mac: p.srcMac, url, source, timeUs: p.timeUs };
  }
  const found = dhcp4MudUrl(p.ip!.payload!);
  if (found === undefined) return undefined;
  const s: MudUrlSighting = { mac: found.mac ?? p.srcMac, url: found.url, source, timeUs: p.timeUs };
  if (found.ipv4 !== undefined) s.ipv4 = found.ipv4;
  return s;
}

/**
 * The MUD URL a packet announces, if any. A carrier that does not decode is passed to `onProblem`
 * (with its typed error's code) and gives no sighting; nothing is thrown for outside input.
 */
export function mudUrlOf(p: Packet, onProblem?: (problem: MudUrlProblem) => void): MudUrlSighting | undefined {
  const source = carrierOf(p);
  if (source === undefined) return undefined;
  try {
    return sightingOf(p, source);
  } catch (e) {
    if (!(e instanceof CaptureError || e instanceof MudUrlError)) throw e;
    onProblem?.({ mac: p.srcMac, source, timeUs: p.timeUs, code: e.code, message: e.message });
    return undefined;
  }
}

/** Every MUD URL announced in a stream of packets, in capture order. */
export async function* mudUrls(
  packets: AsyncIterable<Packet>,
  onProblem?: (problem: MudUrlProblem) => void,
): AsyncGenerator<MudUrlSighting> {
  for await (const p of packets) {
    const s = mudUrlOf(p, onProblem);
    if (s !== undefined) yield s;
  }
}
