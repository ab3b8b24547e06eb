/**
 * What resolving a MUD file does not need a device for, worked out once per parsed file: the ACLs
 * each policy names, and for every ACE its location, the match fields this slice cannot compile,
 * its address sources (networks, DNS names, RFC 8520 §8 abstractions) and its fixed fields. A
 * parsed MudFile is treated as immutable: its shape is kept beside it (a WeakMap) and reused for
 * every device that file is resolved for.
 */
import type { Ace, Acl, MudMatch, PortMatch } from '../mud/model/acl.ts';
import type { Direction, ForwardingAction } from '../mud/model/constants.ts';
import type { MudFile } from '../mud/model/mud-file.ts';
import type { ResolvedPort } from './resolve-types.ts';

/** The side of a packet an ACE's ietf-mud matches name: the peer (RFC 8520 §8). */
export type Side = 'src' | 'dst';

/** Fields of a ResolvedAce that do not depend on the device. */
export interface AceFixed {
  family?: 4 | 6;
  ethertype?: number;
  protocol?: number;
  srcPort?: ResolvedPort;
  dstPort?: ResolvedPort;
  icmp?: { type?: number; code?: number };
  directionInitiated?: Direction;
}

export interface AceShape {
  acl: string;
  ace: string;
  action: ForwardingAction;
  /** `acl "…" ace "…"`: where errors and warnings point. */
  where: string;
  /** The match fields that cannot be compiled (empty when none). */
  unsupported: string[];
  srcNetwork?: string;
  dstNetwork?: string;
  /** DNS names, lower case without a final dot. */
  srcName?: string;
  dstName?: string;
  mud?: MudMatch;
  fixed: AceFixed;
}

/** An ACL a policy names: its ACE shapes, or the name alone when the file does not define it. */
export interface AclShape {
  name: string;
  aces?: AceShape[];
}

export interface FileShape {
  fromDevice: AclShape[];
  toDevice: AclShape[];
  /** The authority of the file's MUD URL (same-manufacturer), or undefined when it is not a URL. */
  authority?: string;
}

function port(p: PortMatch | undefined): ResolvedPort | undefined {
  if (p === undefined) return undefined;
  return p.kind === 'range' ? { op: 'range', lower: p.lower, upper: p.upper } : { op: p.operator, port: p.port };
}

const UNSUPPORTED_IP = ['dscp', 'ecn', 'length', 'ttl', 'ihl', 'flags', 'offset', 'identification', 'flowLabel'] as const;
const UNSUPPORTED_TCP = [
  'sequenceNumber',
  'acknowledgementNumber',
  'dataOffset',
  'reserved',
  'flags',
  'windowSize',
  'urgentPointer',
  'options',
] as const;

/** Match fields this slice does not compile: refusing them keeps an accept from matching more than the file says. */
function unsupportedFields(ace: Ace): string[] {
  const m = ace.matches;
  const out: string[] = [];
  const ip = (m.ipv4 ?? m.ipv6 ?? {}) as Record<string, unknown>;
  for (const f of UNSUPPORTED_IP) if (ip[f] !== undefined) out.push(`ip ${f}`);
  const tcp = (m.tcp ?? {}) as Record<string, unknown>;
  for (const f of UNSUPPORTED_TCP) if (tcp[f] !== undefined) out.push(`tcp ${f}`);
  if (m.udp?.length !== undefined) out.push('udp length');
  if (m.icmp?.restOfHeader !== undefined) out.push('icmp rest-of-header');
  const eth = m.eth ?? {};
  if (eth.sourceMac !== undefined || eth.destinationMac !== undefined) out.push('eth mac addresses');
  if (m.egressInterface !== undefined || m.ingressInterface !== undefined) out.push('interfaces');
  if (m.tlsClientProfiles !== undefined) out.push('tls client-profiles');
  if (m.ipv4 !== undefined && m.ipv6 !== undefined) out.push('both ipv4 and ipv6');
  return out;
}

const dnsKey = (name: string | undefined): string | undefined => (name === undefined ? undefined : name.toLowerCase().replace(/\.$/, ''));

function fixedOf(ace: Ace): AceFixed {
  const m = ace.matches;
  const protocol = m.ipv4?.protocol ?? m.ipv6?.protocol ?? (m.tcp ? 6 : m.udp ? 17 : m.icmp ? (m.ipv6 ? 58 : 1) : undefined);
  const l4 = m.tcp ?? m.udp;
  const r: AceFixed = {};
  if (m.ipv4 !== undefined) r.family = 4;
  if (m.ipv6 !== undefined) r.family = 6;
  if (m.eth?.ethertype !== undefined) r.ethertype = m.eth.ethertype;
  if (protocol !== undefined) r.protocol = protocol;
  const sp = port(l4?.sourcePort);
  const dp = port(l4?.destinationPort);
  if (sp !== undefined) r.srcPort = sp;
  if (dp !== undefined) r.dstPort = dp;
  if (m.icmp !== undefined)
    r.icmp = { ...(m.icmp.type !== undefined && { type: m.icmp.type }), ...(m.icmp.code !== undefined && { code: m.icmp.code }) };
  if (m.tcp?.directionInitiated !== undefined) r.directionInitiated = m.tcp.directionInitiated;
  return r;
}

function aceShape(acl: Acl, ace: Ace): AceShape {
  const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
  const s: AceShape = {
    acl: acl.name,
    ace: ace.name,
    action: ace.actions.forwarding,
    where: `acl ${JSON.stringify(acl.name)} ace ${JSON.stringify(ace.name)}`,
    unsupported: unsupportedFields(ace),
    fixed: fixedOf(ace),
  };
  if (ip?.sourceNetwork !== undefined) s.srcNetwork = ip.sourceNetwork;
  if (ip?.destinationNetwork !== undefined) s.dstNetwork = ip.destinationNetwork;
  const src = dnsKey(ip?.srcDnsName);
  const dst = dnsKey(ip?.dstDnsName);
  if (src !== undefined) s.srcName = src;
  if (dst !== undefined) s.dstName = dst;
  if (ace.matches.mud !== undefined) s.mud = ace.matches.mud;
  return s;
}

function aclShapes(file: MudFile, names: string[]): AclShape[] {
  return names.map((name) => {
    const acl = file.acls.find((a) => a.name === name);
    return acl === undefined ? { name } : { name, aces: acl.aces.map((ace) => aceShape(acl, ace)) };
  });
}

function authority(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

const shapes = new WeakMap<MudFile, FileShape>();

/** The shape of `file`, worked out on first use. */
export function fileShape(file: MudFile): FileShape {
  let s = shapes.get(file);
  if (s === undefined) {
    s = {
      fromDevice: aclShapes(file, file.mud.fromDevicePolicy?.aclNames ?? []),
      toDevice: aclShapes(file, file.mud.toDevicePolicy?.aclNames ?? []),
    };
    const a = authority(file.mud.mudUrl);
    if (a !== undefined) s.authority = a;
    shapes.set(file, s);
  }
  return s;
}
