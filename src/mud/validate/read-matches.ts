/**
 * Reads the `matches` of an ACE: RFC 8519 l2/l3/l4 containers (ietf-packet-fields), RFC 8520's
 * `ietf-mud:mud` abstractions, `ietf-acldns` names and `ietf-mud:direction-initiated`, and
 * RFC 9761's `ietf-acl-tls:client-profiles`.
 */
import type { EthMatch, IcmpMatch, Ipv4Match, Ipv6Match, Matches, MudMatch, PortMatch, TcpMatch, UdpMatch } from '../model/acl.ts';
import {
  ACL_TYPES,
  type AclType,
  DIRECTIONS,
  ETHERTYPE_NAMES,
  IP_PROTOCOL_TCP,
  IP_PROTOCOL_UDP,
  IPV4_FLAG_BITS,
  PORT_OPERATORS,
  TCP_FLAG_BITS,
} from '../model/constants.ts';
import { noteExtension, type ReadContext } from './context.ts';
import { checkMembers, checkMembersAndChoices, choice, membersAndChoices, readObject } from './members.ts';
import { child, type Path } from './path.ts';
import { readTlsClientProfiles } from './read-extensions.ts';
import {
  type JsonObject,
  readBinary,
  readBits,
  readEmpty,
  readEnum,
  readHost,
  readIpv4Prefix,
  readIpv6Prefix,
  readMacAddress,
  readString,
  readUint,
  readUint8,
  readUint16,
  readUint32,
  readUri,
} from './yang-types.ts';

const MATCHES_MEMBERS = ['eth', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'egress-interface', 'ingress-interface', 'ietf-mud:mud'];
// The bit of each member in the mask of the members present (checkMembersAndChoices).
const bit = (member: string): number => 1 << MATCHES_MEMBERS.indexOf(member);
const ETH = bit('eth');
const IPV4 = bit('ipv4');
const IPV6 = bit('ipv6');
const TCP = bit('tcp');
const UDP = bit('udp');
const ICMP = bit('icmp');
const EGRESS = bit('egress-interface');
const INGRESS = bit('ingress-interface');
const MUD = bit('ietf-mud:mud');

/** Reads `matches`; `aclType` is the type of the enclosing ACL, when it has one. */
export function readMatches(ctx: ReadContext, v: unknown, path: Path, aclType: AclType | undefined): Matches | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const out: Matches = {};
  // Only the members present are read: a JSON object has no member whose value is undefined.
  const present = checkMembersAndChoices(issues, o, path, MATCHES_TABLE, (k, value, p) => {
    if (k === 'ietf-acl-tls:client-profiles') {
      noteExtension(ctx, 'ietf-mud-tls', p);
      const profiles = readTlsClientProfiles(ctx, value, p);
      if (profiles !== undefined) out.tlsClientProfiles = profiles;
      return true;
    }
    return false;
  });

  // RFC 8519 §4.1: eth, ipv4 and ipv6 are each allowed `when` the ACL type derives from the
  // matching identity. The address family of IPv4 and IPv6 matches is checked against the ACL's
  // own type. For `eth` the condition is applied as the module writes it, over /acls/acl/type of
  // the whole file: RFC 8520-era files put Ethernet matches in IPv4 ACLs beside an eth-acl-type ACL.
  const family = aclType === undefined ? undefined : ACL_TYPES[aclType];
  if ((present & ETH) !== 0) {
    if (!ctx.anyEthAcl)
      issues.error(
        'ERR_MUD_ADDRESS_FAMILY',
        child(path, 'eth'),
        'an eth match needs an ACL of an Ethernet type (eth-acl-type or mixed-eth-*)',
      );
    const eth = readEth(ctx, o.eth, child(path, 'eth'));
    if (eth !== undefined) out.eth = eth;
  }
  if ((present & IPV4) !== 0) {
    if (family !== undefined && !family.ipv4)
      issues.error('ERR_MUD_ADDRESS_FAMILY', child(path, 'ipv4'), `an ipv4 match in an ACL of type ${aclType}`);
    const ipv4 = readIpv4(ctx, o.ipv4, child(path, 'ipv4'));
    if (ipv4 !== undefined) out.ipv4 = ipv4;
  }
  if ((present & IPV6) !== 0) {
    if (family !== undefined && !family.ipv6)
      issues.error('ERR_MUD_ADDRESS_FAMILY', child(path, 'ipv6'), `an ipv6 match in an ACL of type ${aclType}`);
    const ipv6 = readIpv6(ctx, o.ipv6, child(path, 'ipv6'));
    if (ipv6 !== undefined) out.ipv6 = ipv6;
  }
  const protocol = out.ipv4?.protocol ?? out.ipv6?.protocol;
  if ((present & TCP) !== 0) {
    const tcp = readTcp(ctx, o.tcp, child(path, 'tcp'));
    if (tcp !== undefined) out.tcp = tcp;
    if (protocol !== undefined && protocol !== IP_PROTOCOL_TCP)
      issues.error('ERR_MUD_PROTOCOL_MISMATCH', child(path, 'tcp'), `a tcp match with IP protocol ${protocol} (TCP is ${IP_PROTOCOL_TCP})`);
  }
  if ((present & UDP) !== 0) {
    const udp = readUdp(ctx, o.udp, child(path, 'udp'));
    if (udp !== undefined) out.udp = udp;
    if (protocol !== undefined && protocol !== IP_PROTOCOL_UDP)
      issues.error('ERR_MUD_PROTOCOL_MISMATCH', child(path, 'udp'), `a udp match with IP protocol ${protocol} (UDP is ${IP_PROTOCOL_UDP})`);
  }
  if ((present & ICMP) !== 0) {
    const icmp = readIcmp(ctx, o.icmp, child(path, 'icmp'));
    if (icmp !== undefined) out.icmp = icmp;
  }
  if ((present & MUD) !== 0) {
    const mud = readMudMatch(ctx, o['ietf-mud:mud'], child(path, 'ietf-mud:mud'));
    if (mud !== undefined) out.mud = mud;
  }
  if ((present & EGRESS) !== 0) {
    const s = readString(issues, o['egress-interface'], child(path, 'egress-interface'), 1);
    if (s !== undefined) out.egressInterface = s;
  }
  if ((present & INGRESS) !== 0) {
    const s = readString(issues, o['ingress-interface'], child(path, 'ingress-interface'), 1);
    if (s !== undefined) out.ingressInterface = s;
  }
  return out;
}

/**
 * How one member is read: its reader stores what conforms under the member's model name. Each
 * reader writes its own property, so every store in the tables is to a named property.
 */
type FieldReader<T> = (ctx: ReadContext, v: unknown, p: Path, out: T) => void;

/** A table of member readers, made once at module load (a null-prototype map from member names). */
function fieldTable<T>(spec: Record<string, FieldReader<T>>): Readonly<Record<string, FieldReader<T> | undefined>> {
  return Object.assign(Object.create(null) as Record<string, FieldReader<T>>, spec);
}

/**
 * Runs the reader of each member of `o` that `table` knows, into `out`. The walk follows the
 * members of `o` (a handful), not the table; members the table does not know are left to
 * checkMembers.
 */
function fields<T extends object>(
  ctx: ReadContext,
  o: JsonObject,
  path: Path,
  out: T,
  table: Readonly<Record<string, FieldReader<T> | undefined>>,
): void {
  for (const member in o) {
    const f = table[member];
    if (f === undefined) continue;
    const value = o[member];
    if (value === undefined) continue;
    f(ctx, value, child(path, member), out);
  }
}

const ETH_MEMBERS = [
  'destination-mac-address',
  'destination-mac-address-mask',
  'source-mac-address',
  'source-mac-address-mask',
  'ethertype',
];

function readEth(ctx: ReadContext, v: unknown, path: Path): EthMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ETH_MEMBERS);
  const out: EthMatch = {};
  fields(ctx, o, path, out, ETH_FIELDS);
  return out;
}

const mac = (ctx: ReadContext, x: unknown, p: Path) => readMacAddress(ctx.issues, x, p);
const ETH_FIELDS = fieldTable<EthMatch>({
  'destination-mac-address': (ctx, x, p, out) => {
    const r = mac(ctx, x, p);
    if (r !== undefined) out.destinationMac = r;
  },
  'destination-mac-address-mask': (ctx, x, p, out) => {
    const r = mac(ctx, x, p);
    if (r !== undefined) out.destinationMacMask = r;
  },
  'source-mac-address': (ctx, x, p, out) => {
    const r = mac(ctx, x, p);
    if (r !== undefined) out.sourceMac = r;
  },
  'source-mac-address-mask': (ctx, x, p, out) => {
    const r = mac(ctx, x, p);
    if (r !== undefined) out.sourceMacMask = r;
  },
  ethertype: (ctx, x, p, out) => {
    const r = readEthertype(ctx, x, p);
    if (r !== undefined) out.ethertype = r;
  },
});

/** RFC 8519 ietf-ethertypes: union of uint16 and the named enumeration. */
function readEthertype(ctx: ReadContext, v: unknown, path: Path): number | undefined {
  if (typeof v === 'string') {
    const n = ETHERTYPE_NAMES[v];
    if (n === undefined) {
      ctx.issues.error('ERR_MUD_ENUM', path, `${JSON.stringify(v.slice(0, 40))} is neither a uint16 nor an ethertype name of RFC 8519`);
      return undefined;
    }
    return n;
  }
  return readUint16(ctx.issues, v, path);
}

const IP_COMMON = ['dscp', 'ecn', 'length', 'ttl', 'protocol', 'ietf-acldns:src-dnsname', 'ietf-acldns:dst-dnsname'];
const IPV4_MEMBERS = [...IP_COMMON, 'ihl', 'flags', 'offset', 'identification', 'source-ipv4-network', 'destination-ipv4-network'];
const IPV6_MEMBERS = [...IP_COMMON, 'flow-label', 'source-ipv6-network', 'destination-ipv6-network'];
const NETWORKS_IPV4 = [
  choice('source-network', [['source-ipv4-network'], ['ietf-acldns:src-dnsname']]),
  choice('destination-network', [['destination-ipv4-network'], ['ietf-acldns:dst-dnsname']]),
] as const;
const NETWORKS_IPV6 = [
  choice('source-network', [['source-ipv6-network'], ['ietf-acldns:src-dnsname']]),
  choice('destination-network', [['destination-ipv6-network'], ['ietf-acldns:dst-dnsname']]),
] as const;
const L3_L4 = [choice('l3', [['ipv4'], ['ipv6']]), choice('l4', [['tcp'], ['udp'], ['icmp']])] as const;
const MATCHES_TABLE = membersAndChoices(MATCHES_MEMBERS, L3_L4);
const IPV4_TABLE = membersAndChoices(IPV4_MEMBERS, NETWORKS_IPV4);
const IPV6_TABLE = membersAndChoices(IPV6_MEMBERS, NETWORKS_IPV6);

const IP_COMMON_FIELDS = {
  dscp: (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 0, 63);
    if (r !== undefined) out.dscp = r;
  },
  ecn: (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 0, 3);
    if (r !== undefined) out.ecn = r;
  },
  length: (ctx, x, p, out) => {
    const r = readUint16(ctx.issues, x, p);
    if (r !== undefined) out.length = r;
  },
  ttl: (ctx, x, p, out) => {
    const r = readUint8(ctx.issues, x, p);
    if (r !== undefined) out.ttl = r;
  },
  protocol: (ctx, x, p, out) => {
    const r = readUint8(ctx.issues, x, p);
    if (r !== undefined) out.protocol = r;
  },
  'ietf-acldns:src-dnsname': (ctx, x, p, out) => {
    const r = readHost(ctx.issues, x, p);
    if (r !== undefined) out.srcDnsName = r;
  },
  'ietf-acldns:dst-dnsname': (ctx, x, p, out) => {
    const r = readHost(ctx.issues, x, p);
    if (r !== undefined) out.dstDnsName = r;
  },
} satisfies Record<string, FieldReader<Ipv4Match & Ipv6Match>>;

function readIpv4(ctx: ReadContext, v: unknown, path: Path): Ipv4Match | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  // RFC 8520 (module ietf-acldns): the DNS names are further cases of the source-network and destination-network choices.
  checkMembersAndChoices(issues, o, path, IPV4_TABLE);
  const out: Ipv4Match = {};
  fields(ctx, o, path, out, IPV4_FIELDS);
  return out;
}

const IPV4_FIELDS = fieldTable<Ipv4Match>({
  ...IP_COMMON_FIELDS,
  ihl: (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 5, 60);
    if (r !== undefined) out.ihl = r;
  },
  flags: (ctx, x, p, out) => {
    const r = readBits(ctx.issues, x, p, IPV4_FLAG_BITS);
    if (r !== undefined) out.flags = r;
  },
  offset: (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 20, 65535);
    if (r !== undefined) out.offset = r;
  },
  identification: (ctx, x, p, out) => {
    const r = readUint16(ctx.issues, x, p);
    if (r !== undefined) out.identification = r;
  },
  'source-ipv4-network': (ctx, x, p, out) => {
    const r = readIpv4Prefix(ctx.issues, x, p);
    if (r !== undefined) out.sourceNetwork = r;
  },
  'destination-ipv4-network': (ctx, x, p, out) => {
    const r = readIpv4Prefix(ctx.issues, x, p);
    if (r !== undefined) out.destinationNetwork = r;
  },
});

function readIpv6(ctx: ReadContext, v: unknown, path: Path): Ipv6Match | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembersAndChoices(issues, o, path, IPV6_TABLE);
  const out: Ipv6Match = {};
  fields(ctx, o, path, out, IPV6_FIELDS);
  return out;
}

const IPV6_FIELDS = fieldTable<Ipv6Match>({
  ...IP_COMMON_FIELDS,
  'flow-label': (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 0, 1048575);
    if (r !== undefined) out.flowLabel = r;
  },
  'source-ipv6-network': (ctx, x, p, out) => {
    const r = readIpv6Prefix(ctx.issues, x, p);
    if (r !== undefined) out.sourceNetwork = r;
  },
  'destination-ipv6-network': (ctx, x, p, out) => {
    const r = readIpv6Prefix(ctx.issues, x, p);
    if (r !== undefined) out.destinationNetwork = r;
  },
});

const PORT_MEMBERS = ['lower-port', 'upper-port', 'operator', 'port'];

/** RFC 8519 ietf-packet-fields port-range-or-operator. */
function readPort(ctx: ReadContext, v: unknown, path: Path): PortMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, PORT_MEMBERS);
  const isRange = 'lower-port' in o || 'upper-port' in o;
  const isOperator = 'operator' in o || 'port' in o;
  if (isRange && isOperator) {
    issues.error('ERR_MUD_CHOICE', path, 'choice port-range-or-operator: lower-port/upper-port and operator/port may not be mixed');
    return undefined;
  }
  const port = (x: unknown, p: Path) => readUint(issues, x, p, 0, 65535, 'a port number');
  if (isRange) {
    for (const m of ['lower-port', 'upper-port'])
      if (!(m in o)) issues.error('ERR_MUD_MISSING', child(path, m), `${m} is mandatory in a port range`);
    const lower = o['lower-port'] === undefined ? undefined : port(o['lower-port'], child(path, 'lower-port'));
    const upper = o['upper-port'] === undefined ? undefined : port(o['upper-port'], child(path, 'upper-port'));
    if (lower === undefined || upper === undefined) return undefined;
    if (upper < lower) {
      issues.error('ERR_MUD_PORT_RANGE', child(path, 'upper-port'), `upper-port ${upper} is below lower-port ${lower}`);
      return undefined;
    }
    return { kind: 'range', lower, upper };
  }
  if (!('port' in o)) {
    issues.error('ERR_MUD_MISSING', child(path, 'port'), 'port is mandatory (with an optional operator, default eq)');
    return undefined;
  }
  const operator = o.operator === undefined ? 'eq' : readEnum(issues, o.operator, child(path, 'operator'), PORT_OPERATORS);
  const p = port(o.port, child(path, 'port'));
  if (operator === undefined || p === undefined) return undefined;
  return { kind: 'operator', operator, port: p };
}

const TCP_MEMBERS = [
  'sequence-number',
  'acknowledgement-number',
  'data-offset',
  'reserved',
  'flags',
  'window-size',
  'urgent-pointer',
  'options',
  'source-port',
  'destination-port',
  'ietf-mud:direction-initiated',
];

function readTcp(ctx: ReadContext, v: unknown, path: Path): TcpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, TCP_MEMBERS);
  const out: TcpMatch = {};
  fields(ctx, o, path, out, TCP_FIELDS);
  return out;
}

const TCP_FIELDS = fieldTable<TcpMatch>({
  'sequence-number': (ctx, x, p, out) => {
    const r = readUint32(ctx.issues, x, p);
    if (r !== undefined) out.sequenceNumber = r;
  },
  'acknowledgement-number': (ctx, x, p, out) => {
    const r = readUint32(ctx.issues, x, p);
    if (r !== undefined) out.acknowledgementNumber = r;
  },
  'data-offset': (ctx, x, p, out) => {
    const r = readUint(ctx.issues, x, p, 5, 15);
    if (r !== undefined) out.dataOffset = r;
  },
  reserved: (ctx, x, p, out) => {
    const r = readUint8(ctx.issues, x, p);
    if (r !== undefined) out.reserved = r;
  },
  flags: (ctx, x, p, out) => {
    const r = readBits(ctx.issues, x, p, TCP_FLAG_BITS);
    if (r !== undefined) out.flags = r;
  },
  'window-size': (ctx, x, p, out) => {
    const r = readUint16(ctx.issues, x, p);
    if (r !== undefined) out.windowSize = r;
  },
  'urgent-pointer': (ctx, x, p, out) => {
    const r = readUint16(ctx.issues, x, p);
    if (r !== undefined) out.urgentPointer = r;
  },
  options: (ctx, x, p, out) => {
    const r = readBinary(ctx.issues, x, p, 1, 40);
    if (r !== undefined) out.options = r;
  },
  'source-port': (ctx, x, p, out) => {
    const r = readPort(ctx, x, p);
    if (r !== undefined) out.sourcePort = r;
  },
  'destination-port': (ctx, x, p, out) => {
    const r = readPort(ctx, x, p);
    if (r !== undefined) out.destinationPort = r;
  },
  'ietf-mud:direction-initiated': (ctx, x, p, out) => {
    const r = readEnum(ctx.issues, x, p, DIRECTIONS);
    if (r !== undefined) out.directionInitiated = r;
  },
});

const NONE: readonly string[] = [];

function directionOutsideTcp(ctx: ReadContext, o: JsonObject, path: Path): readonly string[] {
  if (!('ietf-mud:direction-initiated' in o) && !('direction-initiated' in o)) return NONE;
  const misplaced = Object.keys(o).filter((k) => k === 'ietf-mud:direction-initiated' || k === 'direction-initiated');
  for (const k of misplaced)
    ctx.issues.error(
      'ERR_MUD_DIRECTION_NOT_TCP',
      child(path, k),
      'direction-initiated augments only the tcp match (RFC 8520, module ietf-mud)',
    );
  return misplaced;
}

const UDP_MEMBERS = ['length', 'source-port', 'destination-port'];

function readUdp(ctx: ReadContext, v: unknown, path: Path): UdpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const misplaced = directionOutsideTcp(ctx, o, path);
  checkMembers(issues, o, path, misplaced.length === 0 ? UDP_MEMBERS : [...UDP_MEMBERS, ...misplaced]);
  const out: UdpMatch = {};
  fields(ctx, o, path, out, UDP_FIELDS);
  return out;
}

const UDP_FIELDS = fieldTable<UdpMatch>({
  length: (ctx, x, p, out) => {
    const r = readUint16(ctx.issues, x, p);
    if (r !== undefined) out.length = r;
  },
  'source-port': (ctx, x, p, out) => {
    const r = readPort(ctx, x, p);
    if (r !== undefined) out.sourcePort = r;
  },
  'destination-port': (ctx, x, p, out) => {
    const r = readPort(ctx, x, p);
    if (r !== undefined) out.destinationPort = r;
  },
});

const ICMP_MEMBERS = ['type', 'code', 'rest-of-header'];

function readIcmp(ctx: ReadContext, v: unknown, path: Path): IcmpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const misplaced = directionOutsideTcp(ctx, o, path);
  checkMembers(issues, o, path, misplaced.length === 0 ? ICMP_MEMBERS : [...ICMP_MEMBERS, ...misplaced]);
  const out: IcmpMatch = {};
  fields(ctx, o, path, out, ICMP_FIELDS);
  return out;
}

const ICMP_FIELDS = fieldTable<IcmpMatch>({
  type: (ctx, x, p, out) => {
    const r = readUint8(ctx.issues, x, p);
    if (r !== undefined) out.type = r;
  },
  code: (ctx, x, p, out) => {
    const r = readUint8(ctx.issues, x, p);
    if (r !== undefined) out.code = r;
  },
  'rest-of-header': (ctx, x, p, out) => {
    const r = readBinary(ctx.issues, x, p);
    if (r !== undefined) out.restOfHeader = r;
  },
});

const MUD_MATCH_MEMBERS = ['manufacturer', 'same-manufacturer', 'model', 'local-networks', 'controller', 'my-controller'];

function readMudMatch(ctx: ReadContext, v: unknown, path: Path): MudMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, MUD_MATCH_MEMBERS);
  const out: MudMatch = {};
  fields(ctx, o, path, out, MUD_MATCH_FIELDS);
  return out;
}

const MUD_MATCH_FIELDS = fieldTable<MudMatch>({
  manufacturer: (ctx, x, p, out) => {
    const r = readHost(ctx.issues, x, p);
    if (r !== undefined) out.manufacturer = r;
  },
  'same-manufacturer': (ctx, x, p, out) => {
    const r = readEmpty(ctx.issues, x, p);
    if (r !== undefined) out.sameManufacturer = r;
  },
  model: (ctx, x, p, out) => {
    const r = readUri(ctx.issues, x, p);
    if (r !== undefined) out.model = r;
  },
  'local-networks': (ctx, x, p, out) => {
    const r = readEmpty(ctx.issues, x, p);
    if (r !== undefined) out.localNetworks = r;
  },
  controller: (ctx, x, p, out) => {
    const r = readUri(ctx.issues, x, p);
    if (r !== undefined) out.controller = r;
  },
  'my-controller': (ctx, x, p, out) => {
    const r = readEmpty(ctx.issues, x, p);
    if (r !== undefined) out.myController = r;
  },
});
