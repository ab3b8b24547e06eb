/**
 * The MUD URL in an LLDP frame (IEEE 802.1AB, EtherType 0x88cc): the TLVs are walked up to the
 * End Of LLDPDU TLV, and the organizationally specific TLV with OUI 00-00-5E subtype 1 (RFC 8520
 * §12) is decoded by src/mud/url/lldp.ts.
 */
import { IANA_OUI, LLDP_MUD_SUBTYPE, LLDP_TLV_ORGANIZATIONALLY_SPECIFIC } from '../../mud/url/constants.ts';
import { decodeLldpMudUrl } from '../../mud/url/lldp.ts';
import { CaptureError } from './errors.ts';

/** IEEE 802.1AB: the LLDP EtherType and the End Of LLDPDU TLV type. */
export const ETHERTYPE_LLDP = 0x88cc;
const TLV_END = 0;

/** The MUD URL of an LLDPDU (the frame's payload after the Ethernet header), or undefined. */
export function lldpMudUrl(pdu: Uint8Array): string | undefined {
  let url: string | undefined;
  for (let at = 0; at < pdu.length; ) {
    if (at + 2 > pdu.length) throw new CaptureError('ERR_CAPTURE_LLDP', at, 'a TLV header runs past the frame');
    const type = pdu[at]! >> 1;
    const len = ((pdu[at]! & 1) << 8) | pdu[at + 1]!;
    if (type === TLV_END) break;
    if (at + 2 + len > pdu.length) throw new CaptureError('ERR_CAPTURE_LLDP', at, `TLV ${type} of ${len} octets runs past the frame`);
    const isMud =
      type === LLDP_TLV_ORGANIZATIONALLY_SPECIFIC &&
      len >= 4 &&
      pdu[at + 2] === IANA_OUI[0] &&
      pdu[at + 3] === IANA_OUI[1] &&
      pdu[at + 4] === IANA_OUI[2] &&
      pdu[at + 5] === LLDP_MUD_SUBTYPE;
    if (isMud) url = decodeLldpMudUrl(pdu.subarray(at, at + 2 + len)).url;
    at += 2 + len;
  }
  return url;
}
