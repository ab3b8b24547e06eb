/** A frame as read from a capture file, before decoding, and the capture format constants. */

export interface CapturedFrame {
  /** Capture time in microseconds since the Unix epoch (0 when the format records none). */
  timeUs: number;
  /** Length of the frame on the wire; `data` may be shorter (snap length). */
  wireLength: number;
  /** The link-layer header type (tcpdump.org LINKTYPE_ values). */
  linktype: number;
  /** The captured bytes; a view into the read buffer, not a copy. */
  data: Uint8Array;
}

/** tcpdump.org link-layer header types: LINKTYPE_ETHERNET (IEEE 802.3 Ethernet). */
export const LINKTYPE_ETHERNET = 1;

/**
 * The longest block (pcapng) or record (pcap) accepted: 256 KiB. The largest snap length tcpdump
 * writes is 262,144 octets; anything longer is treated as hostile input.
 */
export const MAX_RECORD_OCTETS = 256 * 1024;

/** Classic pcap magic numbers (draft-ietf-opsawg-pcap §4): microsecond and nanosecond timestamps. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

/** pcapng block types (draft-ietf-opsawg-pcapng §4.1–§4.3, §4.6, Appendix A). */
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_OPB = 0x00000002;
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
/** pcapng §4.1: the Byte-Order Magic of the Section Header Block. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** pcapng §4.2: the if_tsresol option code of the Interface Description Block. */
export const PCAPNG_IF_TSRESOL = 9;
