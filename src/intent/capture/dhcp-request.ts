/**
 * The MUD URL a DHCP client announces: DHCPv4 BOOTREQUEST (RFC 2131 §2, options RFC 2132) with
 * option 161, and DHCPv6 client messages (RFC 8415) with option 112 (RFC 8520 §10). The option
 * bodies are decoded by src/mud/url/dhcp.ts.
 */
import { OPTION_MUD_URL_V4, OPTION_MUD_URL_V6 } from '../../mud/url/constants.ts';
import { decodeDhcp4MudUrl, decodeDhcp6MudUrl } from '../../mud/url/dhcp.ts';
import { ipv4Text, macText } from './addr.ts';
import { CaptureError } from './errors.ts';

/** RFC 2131 §2: op BOOTREQUEST; the fixed header is 236 octets, then the magic cookie (RFC 2132 §2). */
export const BOOTREQUEST = 1;
const DHCP4_FIXED = 236;
const MAGIC_COOKIE = 0x63825363;
/** RFC 2132 §3.1, §3.2, §9.1: pad, end, requested IP address. */
const OPTION_PAD = 0;
const OPTION_END = 255;
const OPTION_REQUESTED_IP = 50;
/** RFC 2131 §2: htype 1 (Ethernet), hlen 6. */
const HTYPE_ETHERNET = 1;

/** RFC 8415 §7.3: the client messages that carry the client's options. */
export const DHCP6_CLIENT_MESSAGES: ReadonlySet<number> = new Set([
  1 /* SOLICIT */, 3 /* REQUEST */, 5 /* RENEW */, 6 /* REBIND */, 11 /* INFORMATION-REQUEST */,
]);
const DHCP6_HEADER = 4;

export interface Dhcp4MudUrl {
  url: string;
  /** chaddr, when htype is Ethernet. */
  mac: string | undefined;
  /** The requested address (option 50), else ciaddr when it is not 0.0.0.0. */
  ipv4: string | undefined;
}

const fail = (code: 'ERR_CAPTURE_DHCP', at: number, message: string): never => {
  throw new CaptureError(code, at, message);
};

/** The MUD URL of a DHCPv4 BOOTREQUEST, or undefined when it has none (or is not a request). */
export function dhcp4MudUrl(m: Uint8Array): Dhcp4MudUrl | undefined {
  if (m.length < DHCP4_FIXED + 4) fail('ERR_CAPTURE_DHCP', m.length, `a DHCPv4 message of ${m.length} octets, shorter than 240`);
  if (m[0] !== BOOTREQUEST) return undefined;
  const v = new DataView(m.buffer, m.byteOffset, m.length);
  if (v.getUint32(DHCP4_FIXED) !== MAGIC_COOKIE) fail('ERR_CAPTURE_DHCP', DHCP4_FIXED, 'no DHCP magic cookie');
  let url: string | undefined;
  let requested: string | undefined;
  for (let at = DHCP4_FIXED + 4; at < m.length; ) {
    const code = m[at]!;
    if (code === OPTION_PAD) {
      at++;
      continue;
    }
    if (code === OPTION_END) break;
    if (at + 2 > m.length) fail('ERR_CAPTURE_DHCP', at, `option ${code} has no length octet`);
    const len = m[at + 1]!;
    if (at + 2 + len > m.length) fail('ERR_CAPTURE_DHCP', at, `option ${code} of ${len} octets runs past the message`);
    if (code === OPTION_MUD_URL_V4) url = decodeDhcp4MudUrl(m.subarray(at, at + 2 + len)).url;
    else if (code === OPTION_REQUESTED_IP && len === 4) requested = ipv4Text(m, at + 2);
    at += 2 + len;
  }
  if (url === undefined) return undefined;
  const ciaddr = ipv4Text(m, 12);
  return {
    url,
    mac: m[1] === HTYPE_ETHERNET && m[2] === 6 ? macText(m, 28) : undefined,
    ipv4: requested ?? (ciaddr === '0.0.0.0' ? undefined : ciaddr),
  };
}

/** The MUD URL of a DHCPv6 client message, or undefined when it has none (or is another message). */
export function dhcp6MudUrl(m: Uint8Array): string | undefined {
  if (m.length < DHCP6_HEADER) fail('ERR_CAPTURE_DHCP', m.length, `a DHCPv6 message of ${m.length} octets, shorter than its header`);
  if (!DHCP6_CLIENT_MESSAGES.has(m[0]!)) return undefined;
  let url: string | undefined;
  for (let at = DHCP6_HEADER; at < m.length; ) {
    if (at + 4 > m.length) fail('ERR_CAPTURE_DHCP', at, 'an option header runs past the message');
    const code = (m[at]! << 8) | m[at + 1]!;
    const len = (m[at + 2]! << 8) | m[at + 3]!;
    if (at + 4 + len > m.length) fail('ERR_CAPTURE_DHCP', at, `option ${code} of ${len} octets runs past the message`);
    if (code === OPTION_MUD_URL_V6) url = decodeDhcp6MudUrl(m.subarray(at, at + 4 + len)).url;
    at += 4 + len;
  }
  return url;
}
