/**
 * Constants of the MUD URL carriers of RFC 8520, named as in the RFC and its IANA registrations.
 */

/** §10: DHCPv4 option code OPTION_MUD_URL_V4. */
export const OPTION_MUD_URL_V4 = 161;
/** §10: DHCPv6 option code OPTION_MUD_URL_V6. */
export const OPTION_MUD_URL_V6 = 112;
/** §12 (IEEE 802.1AB): the organizationally specific LLDP TLV type. */
export const LLDP_TLV_ORGANIZATIONALLY_SPECIFIC = 127;
/** §12: the IANA OUI 00-00-5E that carries the MUD URL subtype. */
export const IANA_OUI = Uint8Array.of(0x00, 0x00, 0x5e);
/** §12: the LLDP subtype of the MUD URL under the IANA OUI. */
export const LLDP_MUD_SUBTYPE = 1;
/**
 * §10 and §12: the MUDstring in the DHCPv4 and DHCPv6 options and the LLDP TLV is at most 255
 * octets (the DHCPv4 length octet cannot say more).
 */
export const MAX_MUD_STRING_OCTETS = 255;
/** §11: id-pe-mud-url, the certificate extension whose value is an IA5String MUD URL. */
export const ID_PE_MUD_URL = '1.3.6.1.5.5.7.1.25';
/** §11: id-pe-mudsigner, the certificate extension whose value is the Name of the MUD file signer. */
export const ID_PE_MUDSIGNER = '1.3.6.1.5.5.7.1.30';
/** §11: id-ct-mudtype, the CMS content type of a MUD file. */
export const ID_CT_MUDTYPE = '1.2.840.113549.1.9.16.1.41';
/**
 * The longest MUD URL accepted from a certificate extension. MUDURLSyntax is an unbounded
 * IA5String; this limit keeps hostile input bounded.
 */
export const MAX_CERT_MUD_URL_OCTETS = 4096;
