/**
 * Names and values fixed by the MUD specifications, spelled as in the specs.
 */

/** RFC 8520, module ietf-mud: the module of the MUD container, and the JSON member that holds it (RFC 7951 §4). */
export const MUD_MODULE = 'ietf-mud';
export const MUD_MEMBER = 'ietf-mud:mud';
/** RFC 8519 §4.1: the ACL module and its top-level container. */
export const ACL_MODULE = 'ietf-access-control-list';
export const ACLS_MEMBER = 'ietf-access-control-list:acls';
/** RFC 8520 (module ietf-acldns): the DNS-name augmentation of the ACL model. */
export const ACLDNS_MODULE = 'ietf-acldns';

/** RFC 8520, ietf-mud (mud-version): "This memo specifies version 1." */
export const MUD_VERSION = 1;
/** RFC 8520, ietf-mud (cache-validity): uint8, range "1..168", units hours, default 48. */
export const CACHE_VALIDITY_MIN = 1;
export const CACHE_VALIDITY_MAX = 168;
export const CACHE_VALIDITY_DEFAULT = 48;
/** RFC 8520, ietf-mud (extensions): each name is a string of length "1..40". */
export const EXTENSION_NAME_MAX = 40;
/** RFC 8519 §4.1: ACL and ACE names are strings of length "1..64". */
export const ACL_NAME_MAX = 64;

/** RFC 8519 §4.1: the ACL type identities (base acl-base) and what each is derived from. */
export const ACL_TYPES = {
  'eth-acl-type': { eth: true, ipv4: false, ipv6: false },
  'ipv4-acl-type': { eth: false, ipv4: true, ipv6: false },
  'ipv6-acl-type': { eth: false, ipv4: false, ipv6: true },
  'mixed-eth-ipv4-acl-type': { eth: true, ipv4: true, ipv6: false },
  'mixed-eth-ipv6-acl-type': { eth: true, ipv4: false, ipv6: true },
  'mixed-eth-ipv4-ipv6-acl-type': { eth: true, ipv4: true, ipv6: true },
} as const;
export type AclType = keyof typeof ACL_TYPES;

/** RFC 8519 §4.1: forwarding-action identities. */
export const FORWARDING_ACTIONS = ['accept', 'drop', 'reject'] as const;
export type ForwardingAction = (typeof FORWARDING_ACTIONS)[number];
/** RFC 8519 §4.1: log-action identities (default log-none). */
export const LOG_ACTIONS = ['log-syslog', 'log-none'] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];

/** RFC 8519 §4.2 (ietf-packet-fields, typedef operator). */
export const PORT_OPERATORS = ['lte', 'gte', 'eq', 'neq'] as const;
export type PortOperator = (typeof PORT_OPERATORS)[number];

/** RFC 8520, ietf-mud (typedef direction). */
export const DIRECTIONS = ['to-device', 'from-device'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** RFC 8519 §4.2 (ietf-packet-fields): the bits of the IPv4 flags and TCP flags leaves. */
export const IPV4_FLAG_BITS = ['reserved', 'fragment', 'more'] as const;
export const TCP_FLAG_BITS = ['cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'] as const;

/** IANA protocol numbers that the MUD layer-4 containers stand for. */
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;
export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_IPV6_ICMP = 58;

/** RFC 8519 (ietf-ethertypes, typedef ethertype): the named values of the union. */
export const ETHERTYPE_NAMES: Readonly<Record<string, number>> = {
  ipv4: 0x0800,
  arp: 0x0806,
  wlan: 0x0842,
  trill: 0x22f3,
  srp: 0x22ea,
  decnet: 0x6003,
  rarp: 0x8035,
  appletalk: 0x809b,
  aarp: 0x80f3,
  vlan: 0x8100,
  ipx: 0x8137,
  qnx: 0x8204,
  ipv6: 0x86dd,
  efc: 0x8808,
  esp: 0x8809,
  cobranet: 0x8819,
  'mpls-unicast': 0x8847,
  'mpls-multicast': 0x8848,
  'pppoe-discovery': 0x8863,
  'pppoe-session': 0x8864,
  'intel-ans': 0x886d,
  'jumbo-frames': 0x8870,
  homeplug: 0x887b,
  eap: 0x888e,
  profinet: 0x8892,
  hyperscsi: 0x889a,
  aoe: 0x88a2,
  ethercat: 0x88a4,
  'provider-bridging': 0x88a8,
  'ethernet-powerlink': 0x88ab,
  goose: 0x88b8,
  gse: 0x88b9,
  sv: 0x88ba,
  lldp: 0x88cc,
  sercos: 0x88cd,
  wsmp: 0x88dc,
  'homeplug-av-mme': 0x88e1,
  mrp: 0x88e3,
  macsec: 0x88e5,
  pbb: 0x88e7,
  cfm: 0x8902,
  fcoe: 0x8906,
  'fcoe-ip': 0x8914,
  roce: 0x8915,
  tte: 0x891d,
  hsr: 0x892f,
};

/**
 * Extensions IoTopia models: the name listed in the `extensions` leaf-list of RFC 8520 and the
 * YANG modules whose members it brings.
 */
export const KNOWN_EXTENSIONS = {
  /** RFC 9472, ietf-mud-transparency (prefix mudtx), container `transparency` in the MUD container. */
  transparency: { modules: ['ietf-mud-transparency'] },
  /** RFC 9761: ietf-mud-tls (a leaf in the MUD container) and ietf-acl-tls (matches and actions). */
  'ietf-mud-tls': { modules: ['ietf-mud-tls', 'ietf-acl-tls'] },
  /** draft-ietf-opsawg-mud-ownership (`ol`): ownership and licensing. */
  ol: { modules: ['ietf-ol'] },
} as const;
export type KnownExtension = keyof typeof KNOWN_EXTENSIONS;

/** YANG prefixes seen used in place of module names in member names (RFC 7951 §4 wants the module name). */
export const PREFIX_TO_MODULE: Readonly<Record<string, string>> = {
  mudtx: 'ietf-mud-transparency',
  acl: 'ietf-access-control-list',
  'ietf-acl': 'ietf-access-control-list',
  mud: 'ietf-mud',
  acldns: 'ietf-acldns',
};

/** The quarantine policy member names: the draft's spelling and NIST's implementation. */
export const QUARANTINE_MEMBERS = ['quaranteed-device-policy', 'quarantined-device-policy'] as const;
