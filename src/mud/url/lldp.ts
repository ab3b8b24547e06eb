/**
 * The MUD URL LLDP TLV of RFC 8520 §12: an organizationally specific TLV (IEEE 802.1AB type 127)
 * whose 9-bit length covers the IANA OUI 00-00-5E, subtype 1 and the MUDstring (1–255 octets).
 */
import { IANA_OUI, LLDP_MUD_SUBTYPE, LLDP_TLV_ORGANIZATIONALLY_SPECIFIC, MAX_MUD_STRING_OCTETS } from './constants.ts';
import { MudUrlError } from './errors.ts';
import { type DecodedMudString, decodeMudString, encodeMudString } from './mud-string.ts';

/** OUI (3 octets) and subtype (1 octet) before the MUDstring. */
const INFO_HEADER = 4;

/** The TLV bytes: 7-bit type 127 and 9-bit length, OUI 00-00-5E, subtype 1, MUDstring. */
export function encodeLldpMudUrl(url: string): Uint8Array {
  const mud = encodeMudString(url, 'lldp', MAX_MUD_STRING_OCTETS);
  const length = INFO_HEADER + mud.length;
  const out = new Uint8Array(2 + length);
  out[0] = (LLDP_TLV_ORGANIZATIONALLY_SPECIFIC << 1) | (length >> 8);
  out[1] = length & 0xff;
  out.set(IANA_OUI, 2);
  out[5] = LLDP_MUD_SUBTYPE;
  out.set(mud, 6);
  return out;
}

/** Decodes exactly one MUD URL LLDP TLV. */
export function decodeLldpMudUrl(bytes: Uint8Array): DecodedMudString {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (bytes.length < 2) throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'lldp', `${bytes.length} octets, a TLV needs 2 header octets`);
  const type = bytes[0]! >> 1;
  const length = ((bytes[0]! & 1) << 8) | bytes[1]!;
  if (type !== LLDP_TLV_ORGANIZATIONALLY_SPECIFIC)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'lldp', `TLV type ${type}, expected ${LLDP_TLV_ORGANIZATIONALLY_SPECIFIC}`);
  if (bytes.length < 2 + length)
    throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'lldp', `the TLV says ${length} octets, ${bytes.length - 2} are present`);
  if (bytes.length > 2 + length) throw new MudUrlError('ERR_MUD_URL_FORMAT', 'lldp', `${bytes.length - 2 - length} octets follow the TLV`);
  if (length < INFO_HEADER)
    throw new MudUrlError('ERR_MUD_URL_TRUNCATED', 'lldp', `TLV length ${length} leaves no room for OUI and subtype`);
  const oui = bytes.subarray(2, 5);
  if (!oui.every((b, i) => b === IANA_OUI[i])) {
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'lldp', `OUI ${Buffer.from(oui).toString('hex')}, expected 00005e (IANA)`);
  }
  if (bytes[5] !== LLDP_MUD_SUBTYPE)
    throw new MudUrlError('ERR_MUD_URL_FORMAT', 'lldp', `subtype ${bytes[5]}, expected ${LLDP_MUD_SUBTYPE} (MUD URL)`);
  return decodeMudString(bytes.subarray(6), 'lldp', MAX_MUD_STRING_OCTETS);
}
