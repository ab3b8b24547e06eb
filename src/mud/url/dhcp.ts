/**
 * The MUD URL DHCP options of RFC 8520 §10: DHCPv4 option 161 (one code octet, one length
 * octet, RFC 2132 §2) and DHCPv6 option 112 (two-octet code and length, RFC 8415 §21.1), each
 * carrying a MUDstring of at most 255 octets.
 */
import { MAX_MUD_STRING_OCTETS, OPTION_MUD_URL_V4, OPTION_MUD_URL_V6 } from './constants.ts';
import { MudUrlError } from './errors.ts';
import { type DecodedMudString, decodeMudString, encodeMudString } from './mud-string.ts';

/** The DHCPv4 option bytes `161 len MUDstring`. */
export function encodeDhcp4MudUrl(url: string): Uint8Array {
  const mud = encodeMudString(url, 'dhcp4', MAX_MUD_STRING_OCTETS);
  const out = new Uint8Array(2 + mud.length);
  out[0] = OPTION_MUD_URL_V4;
  out[1] = mud.length;
  out.set(mud, 2);
  return out;
}

/** Decodes exactly one DHCPv4 MUD URL option (code, length, MUDstring; nothing after it). */
export function decodeDhcp4MudUrl(bytes: Uint8Array): DecodedMudString {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (bytes.length < 2) throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'dhcp4', `${bytes.length} octets, an option needs code and length`);
  if (bytes[0] !== OPTION_MUD_URL_V4)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'dhcp4', `option code ${bytes[0]}, expected ${OPTION_MUD_URL_V4} (OPTION_MUD_URL_V4)`);
  const length = bytes[1]!;
  if (bytes.length < 2 + length)
    throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'dhcp4', `the option says ${length} octets, ${bytes.length - 2} are present`);
  if (bytes.length > 2 + length)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'dhcp4', `${bytes.length - 2 - length} octets follow the option`);
  return decodeMudString(bytes.subarray(2), 'dhcp4', MAX_MUD_STRING_OCTETS);
}

/** The DHCPv6 option bytes `0x0070 option-len MUDstring`. */
export function encodeDhcp6MudUrl(url: string): Uint8Array {
  const mud = encodeMudString(url, 'dhcp6', MAX_MUD_STRING_OCTETS);
  const out = new Uint8Array(4 + mud.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, OPTION_MUD_URL_V6);
  view.setUint16(2, mud.length);
  out.set(mud, 4);
  return out;
}

/** Decodes exactly one DHCPv6 MUD URL option (option-code, option-len, MUDstring). */
export function decodeDhcp6MudUrl(bytes: Uint8Array): DecodedMudString {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (bytes.length < 4) throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'dhcp6', `${bytes.length} octets, an option needs 4 header octets`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const code = view.getUint16(0);
  if (code !== OPTION_MUD_URL_V6)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'dhcp6', `option code ${code}, expected ${OPTION_MUD_URL_V6} (OPTION_MUD_URL_V6)`);
  const length = view.getUint16(2);
  if (length > MAX_MUD_STRING_OCTETS)
    throw new MudUrlError(
      'ERR_MUD_URL_TOO_LONG',
      'dhcp6',
      `option-len ${length}, the MUDstring is at most ${MAX_MUD_STRING_OCTETS} octets`,
    );
  if (bytes.length < 4 + length)
    throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'dhcp6', `option-len says ${length} octets, ${bytes.length - 4} are present`);
  if (bytes.length > 4 + length)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'dhcp6', `${bytes.length - 4 - length} octets follow the option`);
  return decodeMudString(bytes.subarray(4), 'dhcp6', MAX_MUD_STRING_OCTETS);
}
