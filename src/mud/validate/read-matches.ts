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
import { at } from './issues.ts';
import { checkChoice, checkMembers, readObject } from './members.ts';
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

/** Reads `matches`; `aclType` is the type of the enclosing ACL, when it has one. */
export function readMatches(ctx: ReadContext, v: unknown, path: string, aclType: AclType | undefined): Matches | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const out: Matches = {};
  checkMembers(issues, o, path, MATCHES_MEMBERS, (k, value, p) => {
    if (k === 'ietf-acl-tls:client-profiles') {
      noteExtension(ctx, 'ietf-mud-tls', p);
      const profiles = readTlsClientProfiles(ctx, value, p);
      if (profiles !== undefined) out.tlsClientProfiles = profiles;
      return true;
    }
    return false;
  });
  checkChoice(issues, o, path, 'l3', L3_CASES);
  checkChoice(issues, o, path, 'l4', L4_CASES);

  // RFC 8519 §4.1: eth, ipv4 and ipv6 are each allowed `when` the ACL type derives from the
  // matching identity. The address family of IPv4 and IPv6 matches is checked against the ACL's
  // own type. For `eth` the condition is applied as the module writes it, over /acls/acl/type of
  // the whole file: RFC 8520-era files put Ethernet matches in IPv4 ACLs beside an eth-acl-type ACL.
  const family = aclType === undefined ? undefined : ACL_TYPES[aclType];
  if (o.eth !== undefined) {
    if (!ctx.anyEthAcl)
      issues.error(
        'ERR_MUD_ADDRESS_FAMILY',
        at(path, 'eth'),
        'an eth match needs an ACL of an Ethernet type (eth-acl-type or mixed-eth-*)',
      );
    const eth = readEth(ctx, o.eth, at(path, 'eth'));
    if (eth !== undefined) out.eth = eth;
  }
  if (o.ipv4 !== undefined) {
    if (family !== undefined && !family.ipv4)
      issues.error('ERR_MUD_ADDRESS_FAMILY', at(path, 'ipv4'), `an ipv4 match in an ACL of type ${aclType}`);
    const ipv4 = readIpv4(ctx, o.ipv4, at(path, 'ipv4'));
    if (ipv4 !== undefined) out.ipv4 = ipv4;
  }
  if (o.ipv6 !== undefined) {
    if (family !== undefined && !family.ipv6)
      issues.error('ERR_MUD_ADDRESS_FAMILY', at(path, 'ipv6'), `an ipv6 match in an ACL of type ${aclType}`);
    const ipv6 = readIpv6(ctx, o.ipv6, at(path, 'ipv6'));
    if (ipv6 !== undefined) out.ipv6 = ipv6;
  }
  const protocol = out.ipv4?.protocol ?? out.ipv6?.protocol;
  if (o.tcp !== undefined) {
    const tcp = readTcp(ctx, o.tcp, at(path, 'tcp'));
    if (tcp !== undefined) out.tcp = tcp;
    if (protocol !== undefined && protocol !== IP_PROTOCOL_TCP)
      issues.error('ERR_MUD_PROTOCOL_MISMATCH', at(path, 'tcp'), `a tcp match with IP protocol ${protocol} (TCP is ${IP_PROTOCOL_TCP})`);
  }
  if (o.udp !== undefined) {
    const udp = readUdp(ctx, o.udp, at(path, 'udp'));
    if (udp !== undefined) out.udp = udp;
    if (protocol !== undefined && protocol !== IP_PROTOCOL_UDP)
      issues.error('ERR_MUD_PROTOCOL_MISMATCH', at(path, 'udp'), `a udp match with IP protocol ${protocol} (UDP is ${IP_PROTOCOL_UDP})`);
  }
  if (o.icmp !== undefined) {
    const icmp = readIcmp(ctx, o.icmp, at(path, 'icmp'));
    if (icmp !== undefined) out.icmp = icmp;
  }
  if (o['ietf-mud:mud'] !== undefined) {
    const mud = readMudMatch(ctx, o['ietf-mud:mud'], at(path, 'ietf-mud:mud'));
    if (mud !== undefined) out.mud = mud;
  }
  for (const k of ['egress-interface', 'ingress-interface'] as const) {
    if (o[k] === undefined) continue;
    const s = readString(issues, o[k], at(path, k), 1);
    if (s !== undefined) out[k === 'egress-interface' ? 'egressInterface' : 'ingressInterface'] = s;
  }
  return out;
}

/** How one member is read: the model key it goes to and its reader. */
type FieldReader<T> = readonly [keyof T, (ctx: ReadContext, v: unknown, p: string) => unknown];

/** A table of member readers, made once at module load (a null-prototype map from member names). */
function fieldTable<T>(spec: Record<string, FieldReader<T>>): Readonly<Record<string, FieldReader<T> | undefined>> {
  return Object.assign(Object.create(null) as Record<string, FieldReader<T>>, spec);
}

/**
 * Runs the reader of each member of `o` that `table` knows, storing the result under its model
 * name. The walk follows the members of `o` (a handful), not the table; members the table does
 * not know are left to checkMembers.
 */
function fields<T extends object>(
  ctx: ReadContext,
  o: JsonObject,
  path: string,
  into: T,
  table: Readonly<Record<string, FieldReader<T> | undefined>>,
): void {
  for (const member in o) {
    const f = table[member];
    if (f === undefined) continue;
    const value = o[member];
    if (value === undefined) continue;
    const r = f[1](ctx, value, at(path, member));
    if (r !== undefined) (into as Record<keyof T, unknown>)[f[0]] = r;
  }
}

function readEth(ctx: ReadContext, v: unknown, path: string): EthMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const known = ['destination-mac-address', 'destination-mac-address-mask', 'source-mac-address', 'source-mac-address-mask', 'ethertype'];
  checkMembers(issues, o, path, known);
  const out: EthMatch = {};
  fields(ctx, o, path, out, ETH_FIELDS);
  return out;
}

const mac = (ctx: ReadContext, x: unknown, p: string) => readMacAddress(ctx.issues, x, p);
const ETH_FIELDS = fieldTable<EthMatch>({
  'destination-mac-address': ['destinationMac', mac],
  'destination-mac-address-mask': ['destinationMacMask', mac],
  'source-mac-address': ['sourceMac', mac],
  'source-mac-address-mask': ['sourceMacMask', mac],
  ethertype: ['ethertype', (ctx, x, p) => readEthertype(ctx, x, p)],
});

/** RFC 8519 ietf-ethertypes: union of uint16 and the named enumeration. */
function readEthertype(ctx: ReadContext, v: unknown, path: string): number | undefined {
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
const SOURCE_IPV4 = [['source-ipv4-network'], ['ietf-acldns:src-dnsname']];
const DESTINATION_IPV4 = [['destination-ipv4-network'], ['ietf-acldns:dst-dnsname']];
const SOURCE_IPV6 = [['source-ipv6-network'], ['ietf-acldns:src-dnsname']];
const DESTINATION_IPV6 = [['destination-ipv6-network'], ['ietf-acldns:dst-dnsname']];
const L3_CASES = [['ipv4'], ['ipv6']];
const L4_CASES = [['tcp'], ['udp'], ['icmp']];

const IP_COMMON_FIELDS = {
  dscp: ['dscp', (ctx, x, p) => readUint(ctx.issues, x, p, 0, 63)],
  ecn: ['ecn', (ctx, x, p) => readUint(ctx.issues, x, p, 0, 3)],
  length: ['length', (ctx, x, p) => readUint16(ctx.issues, x, p)],
  ttl: ['ttl', (ctx, x, p) => readUint8(ctx.issues, x, p)],
  protocol: ['protocol', (ctx, x, p) => readUint8(ctx.issues, x, p)],
  'ietf-acldns:src-dnsname': ['srcDnsName', (ctx, x, p) => readHost(ctx.issues, x, p)],
  'ietf-acldns:dst-dnsname': ['dstDnsName', (ctx, x, p) => readHost(ctx.issues, x, p)],
} satisfies Record<string, FieldReader<Ipv4Match & Ipv6Match>>;

function readIpv4(ctx: ReadContext, v: unknown, path: string): Ipv4Match | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, IPV4_MEMBERS);
  // RFC 8520 (module ietf-acldns): the DNS names are further cases of the source-network and destination-network choices.
  checkChoice(issues, o, path, 'source-network', SOURCE_IPV4);
  checkChoice(issues, o, path, 'destination-network', DESTINATION_IPV4);
  const out: Ipv4Match = {};
  fields(ctx, o, path, out, IPV4_FIELDS);
  return out;
}

const IPV4_FIELDS = fieldTable<Ipv4Match>({
  ...IP_COMMON_FIELDS,
  ihl: ['ihl', (ctx, x, p) => readUint(ctx.issues, x, p, 5, 60)],
  flags: ['flags', (ctx, x, p) => readBits(ctx.issues, x, p, IPV4_FLAG_BITS)],
  offset: ['offset', (ctx, x, p) => readUint(ctx.issues, x, p, 20, 65535)],
  identification: ['identification', (ctx, x, p) => readUint16(ctx.issues, x, p)],
  'source-ipv4-network': ['sourceNetwork', (ctx, x, p) => readIpv4Prefix(ctx.issues, x, p)],
  'destination-ipv4-network': ['destinationNetwork', (ctx, x, p) => readIpv4Prefix(ctx.issues, x, p)],
});

function readIpv6(ctx: ReadContext, v: unknown, path: string): Ipv6Match | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, IPV6_MEMBERS);
  checkChoice(issues, o, path, 'source-network', SOURCE_IPV6);
  checkChoice(issues, o, path, 'destination-network', DESTINATION_IPV6);
  const out: Ipv6Match = {};
  fields(ctx, o, path, out, IPV6_FIELDS);
  return out;
}

const IPV6_FIELDS = fieldTable<Ipv6Match>({
  ...IP_COMMON_FIELDS,
  'flow-label': ['flowLabel', (ctx, x, p) => readUint(ctx.issues, x, p, 0, 1048575)],
  'source-ipv6-network': ['sourceNetwork', (ctx, x, p) => readIpv6Prefix(ctx.issues, x, p)],
  'destination-ipv6-network': ['destinationNetwork', (ctx, x, p) => readIpv6Prefix(ctx.issues, x, p)],
});

/** RFC 8519 ietf-packet-fields port-range-or-operator. */
function readPort(ctx: ReadContext, v: unknown, path: string): PortMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ['lower-port', 'upper-port', 'operator', 'port']);
  const isRange = 'lower-port' in o || 'upper-port' in o;
  const isOperator = 'operator' in o || 'port' in o;
  if (isRange && isOperator) {
    issues.error('ERR_MUD_CHOICE', path, 'choice port-range-or-operator: lower-port/upper-port and operator/port may not be mixed');
    return undefined;
  }
  const port = (x: unknown, p: string) => readUint(issues, x, p, 0, 65535, 'a port number');
  if (isRange) {
    for (const m of ['lower-port', 'upper-port'])
      if (!(m in o)) issues.error('ERR_MUD_MISSING', at(path, m), `${m} is mandatory in a port range`);
    const lower = o['lower-port'] === undefined ? undefined : port(o['lower-port'], at(path, 'lower-port'));
    const upper = o['upper-port'] === undefined ? undefined : port(o['upper-port'], at(path, 'upper-port'));
    if (lower === undefined || upper === undefined) return undefined;
    if (upper < lower) {
      issues.error('ERR_MUD_PORT_RANGE', at(path, 'upper-port'), `upper-port ${upper} is below lower-port ${lower}`);
      return undefined;
    }
    return { kind: 'range', lower, upper };
  }
  if (!('port' in o)) {
    issues.error('ERR_MUD_MISSING', at(path, 'port'), 'port is mandatory (with an optional operator, default eq)');
    return undefined;
  }
  const operator = o.operator === undefined ? 'eq' : readEnum(issues, o.operator, at(path, 'operator'), PORT_OPERATORS);
  const p = port(o.port, at(path, 'port'));
  if (operator === undefined || p === undefined) return undefined;
  return { kind: 'operator', operator, port: p };
}

function readTcp(ctx: ReadContext, v: unknown, path: string): TcpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, [
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
  ]);
  const out: TcpMatch = {};
  fields(ctx, o, path, out, TCP_FIELDS);
  return out;
}

const TCP_FIELDS = fieldTable<TcpMatch>({
  'sequence-number': ['sequenceNumber', (ctx, x, p) => readUint32(ctx.issues, x, p)],
  'acknowledgement-number': ['acknowledgementNumber', (ctx, x, p) => readUint32(ctx.issues, x, p)],
  'data-offset': ['dataOffset', (ctx, x, p) => readUint(ctx.issues, x, p, 5, 15)],
  reserved: ['reserved', (ctx, x, p) => readUint8(ctx.issues, x, p)],
  flags: ['flags', (ctx, x, p) => readBits(ctx.issues, x, p, TCP_FLAG_BITS)],
  'window-size': ['windowSize', (ctx, x, p) => readUint16(ctx.issues, x, p)],
  'urgent-pointer': ['urgentPointer', (ctx, x, p) => readUint16(ctx.issues, x, p)],
  options: ['options', (ctx, x, p) => readBinary(ctx.issues, x, p, 1, 40)],
  'source-port': ['sourcePort', readPort],
  'destination-port': ['destinationPort', readPort],
  'ietf-mud:direction-initiated': ['directionInitiated', (ctx, x, p) => readEnum(ctx.issues, x, p, DIRECTIONS)],
});

function directionOutsideTcp(ctx: ReadContext, o: JsonObject, path: string): string[] {
  const misplaced = Object.keys(o).filter((k) => k === 'ietf-mud:direction-initiated' || k === 'direction-initiated');
  for (const k of misplaced)
    ctx.issues.error(
      'ERR_MUD_DIRECTION_NOT_TCP',
      at(path, k),
      'direction-initiated augments only the tcp match (RFC 8520, module ietf-mud)',
    );
  return misplaced;
}

function readUdp(ctx: ReadContext, v: unknown, path: string): UdpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const misplaced = directionOutsideTcp(ctx, o, path);
  checkMembers(issues, o, path, ['length', 'source-port', 'destination-port', ...misplaced]);
  const out: UdpMatch = {};
  fields(ctx, o, path, out, UDP_FIELDS);
  return out;
}

const UDP_FIELDS = fieldTable<UdpMatch>({
  length: ['length', (ctx, x, p) => readUint16(ctx.issues, x, p)],
  'source-port': ['sourcePort', readPort],
  'destination-port': ['destinationPort', readPort],
});

function readIcmp(ctx: ReadContext, v: unknown, path: string): IcmpMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const misplaced = directionOutsideTcp(ctx, o, path);
  checkMembers(issues, o, path, ['type', 'code', 'rest-of-header', ...misplaced]);
  const out: IcmpMatch = {};
  fields(ctx, o, path, out, ICMP_FIELDS);
  return out;
}

const ICMP_FIELDS = fieldTable<IcmpMatch>({
  type: ['type', (ctx, x, p) => readUint8(ctx.issues, x, p)],
  code: ['code', (ctx, x, p) => readUint8(ctx.issues, x, p)],
  'rest-of-header': ['restOfHeader', (ctx, x, p) => readBinary(ctx.issues, x, p)],
});

function readMudMatch(ctx: ReadContext, v: unknown, path: string): MudMatch | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ['manufacturer', 'same-manufacturer', 'model', 'local-networks', 'controller', 'my-controller']);
  const out: MudMatch = {};
  fields(ctx, o, path, out, MUD_MATCH_FIELDS);
  return out;
}

const MUD_MATCH_FIELDS = fieldTable<MudMatch>({
  manufacturer: ['manufacturer', (ctx, x, p) => readHost(ctx.issues, x, p)],
  'same-manufacturer': ['sameManufacturer', (ctx, x, p) => readEmpty(ctx.issues, x, p)],
  model: ['model', (ctx, x, p) => readUri(ctx.issues, x, p)],
  'local-networks': ['localNetworks', (ctx, x, p) => readEmpty(ctx.issues, x, p)],
  controller: ['controller', (ctx, x, p) => readUri(ctx.issues, x, p)],
  'my-controller': ['myController', (ctx, x, p) => readEmpty(ctx.issues, x, p)],
});
