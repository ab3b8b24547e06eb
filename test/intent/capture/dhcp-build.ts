/** DHCPv4, DHCPv6 and LLDP frames carrying a MUD URL, built by hand for tests and fuzz seeds. */
import { encodeDhcp4MudUrl, encodeDhcp6MudUrl } from '../../../src/mud/url/dhcp.ts';
import { encodeLldpMudUrl } from '../../../src/mud/url/lldp.ts';
import { concat, ether, hexBytes, ipv4, ipv6, udp } from './build.ts';

/** A DHCPREQUEST (op 1) from `mac` with option 50 (requested address) and the given extra options. */
export function dhcp4Request(mac: string, options: Uint8Array[], opts: { op?: number; ciaddr?: string } = {}): Uint8Array {
  const fixed = new Uint8Array(236);
  fixed[0] = opts.op ?? 1;
  fixed[1] = 1;
  fixed[2] = 6;
  new DataView(fixed.buffer).setUint32(4, 0xdeadbeef);
  if (opts.ciaddr !== undefined) fixed.set(Uint8Array.from(opts.ciaddr.split('.').map(Number)), 12);
  fixed.set(hexBytes(mac), 28);
  const cookie = Uint8Array.of(99, 130, 83, 99);
  const msgType = Uint8Array.of(53, 1, 3);
  return concat([fixed, cookie, msgType, ...options, Uint8Array.of(255)]);
}

export const requestedIp = (a: string): Uint8Array => Uint8Array.of(50, 4, ...a.split('.').map(Number));

export function dhcp4Frame(mac: string, url: string | undefined, extra: Uint8Array[] = []): Uint8Array {
  const opts = [...extra, ...(url === undefined ? [] : [encodeDhcp4MudUrl(url)])];
  const msg = dhcp4Request(mac, opts);
  return ether('ff:ff:ff:ff:ff:ff', mac, 0x0800, ipv4('0.0.0.0', '255.255.255.255', 17, udp(68, 67, msg)));
}

/** A DHCPv6 Solicit (type 1) with a client identifier and option 112. */
export function dhcp6Frame(mac: string, url: string, type = 1): Uint8Array {
  const clientId = concat([Uint8Array.of(0, 1, 0, 10, 0, 3, 0, 1), hexBytes(mac)]);
  const msg = concat([Uint8Array.of(type, 0x12, 0x34, 0x56), clientId, encodeDhcp6MudUrl(url)]);
  return ether('33:33:00:01:00:02', mac, 0x86dd, ipv6('fe80::1', 'ff02::1:2', 17, udp(546, 547, msg)));
}

/** An LLDPDU: chassis ID (MAC), port ID, TTL, the MUD URL TLV, End. */
export function lldpFrame(mac: string, url: string): Uint8Array {
  const chassis = concat([Uint8Array.of(0x02, 7, 4), hexBytes(mac)]);
  const port = Uint8Array.of(0x04, 5, 7, 0x65, 0x74, 0x68, 0x30);
  const ttl = Uint8Array.of(0x06, 2, 0, 120);
  return ether('01:80:c2:00:00:0e', mac, 0x88cc, concat([chassis, port, ttl, encodeLldpMudUrl(url), Uint8Array.of(0, 0)]));
}
