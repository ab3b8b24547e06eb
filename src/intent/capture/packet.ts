/**
 * One captured frame, decoded as far as the intent pillar needs it: the link layer, the IP header
 * and the transport ports or ICMP type. The capture readers produce it; the verdict engine, the
 * MUD URL sources and `intent learn` read it.
 */
export interface Packet {
  /** Capture time, in microseconds since the Unix epoch. */
  timeUs: number;
  /** Length of the frame on the wire (it may have been captured shorter). */
  wireLength: number;
  /** Source and destination MAC, lower case `aa:bb:cc:dd:ee:ff`. */
  srcMac: string;
  dstMac: string;
  /** The EtherType after any 802.1Q tags (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, 0x888e EAPOL, 0x88cc LLDP). */
  ethertype: number;
  /** Present for IPv4 and IPv6 packets. */
  ip?: PacketIp;
  /** The link-layer payload (after the Ethernet header and tags), for the LLDP reader; absent when IP. */
  linkPayload?: Uint8Array;
}

export interface PacketIp {
  family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 IPv6. */
  src: string;
  dst: string;
  /** The upper-layer protocol (after IPv6 extension headers): 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6. */
  protocol: number;
  /** True for a fragment that is not the first one: it has no transport header. */
  laterFragment: boolean;
  srcPort?: number;
  dstPort?: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  tcpFlags?: number;
  icmpType?: number;
  icmpCode?: number;
  /**
   * The identifier of an ICMP/ICMPv6 query or its reply (echo, timestamp, information; RFC 792,
   * RFC 4443 §4.1), which connection tracking keys ICMP exchanges by; absent for other types.
   */
  icmpId?: number;
  /** The transport payload (UDP/TCP data), as far as captured; DNS and DHCP readers use it. */
  payload?: Uint8Array;
}
