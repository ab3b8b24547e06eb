/**
 * A builder of MUD files (RFC 8520): say what the device talks to, by name and port, and get the
 * `ietf-mud:mud` container with its from-device and to-device ACLs. Each allowed flow becomes a
 * pair of ACEs, one per direction, in an IPv4 and/or an IPv6 ACL. `build()` validates the result
 * strictly, so every file it returns is a valid MUD file.
 */
import { ACLS_MEMBER, MUD_MEMBER, MUD_VERSION } from '../model/constants.ts';
import type { MudFile } from '../model/mud-file.ts';
import { validateMud } from '../validate/parse-mud.ts';
import { ERR_MUD_SPEC, ERR_MUD_SPEC_INVALID, MudSpecError } from './errors.ts';

export type Transport = 'tcp' | 'udp';

/** One allowed flow: the transport, the remote or local port, and (TCP) who opens the connection. */
export interface FlowSpec {
  /**
   * `tcp` / `udp`; `icmp` (ICMP in the IPv4 ACL, ICMPv6 in the IPv6 ACL), optionally one `icmpType`;
   * `ip`: another IP protocol, numbered by `ipProtocol`, with no transport match.
   */
  protocol: Transport | 'icmp' | 'ip';
  /** The service port (TCP, UDP); absent means any port. */
  port?: number;
  /** The ICMP or ICMPv6 type the initiator sends (protocol `icmp`); absent means any type. */
  icmpType?: number;
  /** The IP protocol number (protocol `ip`). */
  ipProtocol?: number;
  /** Only in this family's ACL (default: every family of `ipVersions`). */
  family?: 'ipv4' | 'ipv6';
  /**
   * `device` (default): the device is the client and connects to `port` on the peer.
   * `peer`: the peer connects to `port` on the device.
   */
  initiatedBy?: 'device' | 'peer';
}

/** Who the flow is with: the RFC 8520 abstractions (ietf-mud matches) and ietf-acldns names. */
export type Peer =
  | { kind: 'domain'; name: string }
  | { kind: 'local-networks' }
  | { kind: 'controller'; uri: string }
  | { kind: 'my-controller' }
  | { kind: 'same-manufacturer' }
  | { kind: 'manufacturer'; authority: string }
  | { kind: 'model'; mudUrl: string }
  /** An address or prefix (RFC 8519 source/destination-ipv4/ipv6-network); only in the ACL of its family. */
  | { kind: 'address'; family: 'ipv4' | 'ipv6'; network: string };

export interface MudBasics {
  mudUrl: string;
  /** yang:date-and-time of this version of the file. */
  lastUpdate: string;
  isSupported?: boolean;
  cacheValidity?: number;
  mudSignature?: string;
  systeminfo?: string;
  mfgName?: string;
  modelName?: string;
  firmwareRev?: string;
  softwareRev?: string;
  documentation?: string;
  /** Which ACL families to write (default both). */
  ipVersions?: ('ipv4' | 'ipv6')[];
}

export interface TransparencySpec {
  /** RFC 9472 `sboms`: one URL per software version. */
  sboms?: { versionInfo: string; url: string }[];
  /** RFC 9472 `sbom-local-well-known`: the device serves its SBOM itself over this scheme. */
  sbomLocalWellKnown?: string;
  sbomContactUri?: string;
  /** RFC 9472 `vuln-url`: where vulnerability information (e.g. CSAF) is published. */
  vulnUrls?: string[];
}

const PEER_PREFIX: Record<Peer['kind'], string> = {
  domain: 'cl',
  'local-networks': 'loc',
  controller: 'ctl',
  'my-controller': 'myctl',
  'same-manufacturer': 'sm',
  manufacturer: 'mfg',
  model: 'mod',
  address: 'ip',
};

type Ace = Record<string, unknown>;

export class MudBuilder {
  readonly #basics: MudBasics;
  readonly #flows: { peer: Peer; flow: FlowSpec }[] = [];
  #transparency: TransparencySpec | undefined;

  constructor(basics: MudBasics) {
    this.#basics = basics;
  }

  /** Allows a flow with a peer. */
  allow(peer: Peer, flow: FlowSpec): this {
    this.#flows.push({ peer, flow });
    return this;
  }

  /** Adds RFC 9472 SBOM and vulnerability pointers (and the `transparency` extension). */
  transparency(spec: TransparencySpec): this {
    this.#transparency = spec;
    return this;
  }

  /** The MUD file as a JSON value (RFC 7951), before validation. */
  toJson(): Record<string, unknown> {
    const b = this.#basics;
    const families = b.ipVersions ?? ['ipv4', 'ipv6'];
    const slug = aclSlug(b.modelName ?? b.mudUrl);
    const mud: Record<string, unknown> = {
      'mud-version': MUD_VERSION,
      'mud-url': b.mudUrl,
      'last-update': b.lastUpdate,
    };
    if (b.mudSignature !== undefined) mud['mud-signature'] = b.mudSignature;
    mud['cache-validity'] = b.cacheValidity ?? 48;
    mud['is-supported'] = b.isSupported ?? true;
    for (const [k, v] of [
      ['systeminfo', b.systeminfo],
      ['mfg-name', b.mfgName],
      ['model-name', b.modelName],
      ['firmware-rev', b.firmwareRev],
      ['software-rev', b.softwareRev],
      ['documentation', b.documentation],
    ] as const)
      if (v !== undefined) mud[k] = v;
    const t = this.#transparency;
    if (t !== undefined) {
      mud.extensions = ['transparency'];
      const tx: Record<string, unknown> = {};
      if (t.sboms !== undefined) tx.sboms = t.sboms.map((s) => ({ 'version-info': s.versionInfo, 'sbom-url': s.url }));
      if (t.sbomLocalWellKnown !== undefined) tx['sbom-local-well-known'] = t.sbomLocalWellKnown;
      if (t.sbomContactUri !== undefined) tx['sbom-contact-uri'] = t.sbomContactUri;
      if (t.vulnUrls !== undefined) tx['vuln-url'] = t.vulnUrls;
      mud['ietf-mud-transparency:transparency'] = tx;
    }

    const acls: Record<string, unknown>[] = [];
    const fromNames: string[] = [];
    const toNames: string[] = [];
    for (const family of families) {
      const v = family === 'ipv4' ? 'v4' : 'v6';
      const fr: Ace[] = [];
      const to: Ace[] = [];
      const counters = new Map<string, number>();
      for (const { peer, flow } of this.#flows) {
        if ((flow.family ?? family) !== family || (peer.kind === 'address' && peer.family !== family)) continue;
        const prefix = PEER_PREFIX[peer.kind];
        const n = counters.get(prefix) ?? 0;
        counters.set(prefix, n + 1);
        fr.push(ace(`${prefix}${n}-frdev`, family, peer, flow, 'from'));
        to.push(ace(`${prefix}${n}-todev`, family, peer, flow, 'to'));
      }
      if (fr.length === 0) continue;
      const frName = `mud-${slug}-${v}fr`;
      const toName = `mud-${slug}-${v}to`;
      fromNames.push(frName);
      toNames.push(toName);
      acls.push({ name: toName, type: `${family}-acl-type`, aces: { ace: to } });
      acls.push({ name: frName, type: `${family}-acl-type`, aces: { ace: fr } });
    }
    if (fromNames.length > 0) {
      mud['from-device-policy'] = { 'access-lists': { 'access-list': fromNames.map((name) => ({ name })) } };
      mud['to-device-policy'] = { 'access-lists': { 'access-list': toNames.map((name) => ({ name })) } };
    }
    const file: Record<string, unknown> = { [MUD_MEMBER]: mud };
    if (acls.length > 0) file[ACLS_MEMBER] = { acl: acls };
    return file;
  }

  /** Builds and validates strictly; throws `MudSpecError` (ERR_MUD_SPEC_INVALID) with every reason otherwise. */
  build(): { json: Record<string, unknown>; mud: MudFile } {
    const json = this.toJson();
    const r = validateMud(json);
    if (r.mud === undefined)
      throw new MudSpecError(
        ERR_MUD_SPEC_INVALID,
        r.errors.map((e) => `${e.path}: ${e.reason}`),
      );
    return { json, mud: r.mud };
  }
}

/** A short ACL name part from the model name: lower-case letters and digits, at most 40 characters. */
function aclSlug(s: string): string {
  const slug = s
    .toLowerCase()
    .replace(/^https:\/\//, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'device' : slug;
}

/** The matches that stand for the peer on one side of the flow. */
function peerMatches(family: 'ipv4' | 'ipv6', peer: Peer, side: 'src' | 'dst'): { ip: Ace; mud?: Ace } {
  switch (peer.kind) {
    case 'domain':
      return { ip: { [`ietf-acldns:${side}-dnsname`]: peer.name } };
    case 'local-networks':
      return { ip: {}, mud: { 'local-networks': [null] } };
    case 'controller':
      return { ip: {}, mud: { controller: peer.uri } };
    case 'my-controller':
      return { ip: {}, mud: { 'my-controller': [null] } };
    case 'same-manufacturer':
      return { ip: {}, mud: { 'same-manufacturer': [null] } };
    case 'manufacturer':
      return { ip: {}, mud: { manufacturer: peer.authority } };
    case 'model':
      return { ip: {}, mud: { model: peer.mudUrl } };
    case 'address':
      return { ip: { [`${side === 'src' ? 'source' : 'destination'}-${family}-network`]: peer.network } };
  }
  throw new MudSpecError(ERR_MUD_SPEC, [`unknown peer kind in ${family} ACL`]);
}

/**
 * One ACE. `policy` is the direction of the packets: `from` the device or `to` it. The service
 * port is the destination port of packets towards the side that listens.
 */
function ace(name: string, family: 'ipv4' | 'ipv6', peer: Peer, flow: FlowSpec, policy: 'from' | 'to'): Ace {
  const { ip, mud } = peerMatches(family, peer, policy === 'from' ? 'dst' : 'src');
  if (flow.protocol === 'icmp' || flow.protocol === 'ip') return otherAce(name, family, ip, mud, flow, policy);
  const protocol = flow.protocol === 'tcp' ? 6 : 17;
  const initiatedBy = flow.initiatedBy ?? 'device';
  const l4: Ace = {};
  if (flow.protocol === 'tcp') l4['ietf-mud:direction-initiated'] = initiatedBy === 'device' ? 'from-device' : 'to-device';
  if (flow.port !== undefined) {
    // Packets towards the listener carry the service port as destination, the replies as source.
    const towardsPeer = policy === 'from';
    const listenerIsPeer = initiatedBy === 'device';
    l4[towardsPeer === listenerIsPeer ? 'destination-port' : 'source-port'] = { operator: 'eq', port: flow.port };
  }
  const matches: Ace = {};
  if (mud !== undefined) matches['ietf-mud:mud'] = mud;
  matches[family] = { ...ip, protocol };
  matches[flow.protocol] = l4;
  return { name, matches, actions: { forwarding: 'accept' } };
}

/** RFC 792 and RFC 4443 §4: echo, timestamp and information requests and their replies. */
const ICMP_REPLY: Readonly<Record<number, number>> = { 8: 0, 13: 14, 15: 16, 128: 129 };

/**
 * An ICMP or other-protocol ACE: no ports. An ICMP type is what the initiator sends; the other
 * direction matches its reply type (echo and the like), otherwise the same type.
 */
function otherAce(name: string, family: 'ipv4' | 'ipv6', ip: Ace, mud: Ace | undefined, flow: FlowSpec, policy: 'from' | 'to'): Ace {
  const icmp = flow.protocol === 'icmp';
  const protocol = icmp ? (family === 'ipv4' ? 1 : 58) : (flow.ipProtocol ?? 0);
  const matches: Ace = {};
  if (mud !== undefined) matches['ietf-mud:mud'] = mud;
  matches[family] = { ...ip, protocol };
  const initiatorSide = (flow.initiatedBy ?? 'device') === 'device' ? 'from' : 'to';
  if (icmp && flow.icmpType !== undefined)
    matches.icmp = { type: policy === initiatorSide ? flow.icmpType : (ICMP_REPLY[flow.icmpType] ?? flow.icmpType) };
  return { name, matches, actions: { forwarding: 'accept' } };
}
