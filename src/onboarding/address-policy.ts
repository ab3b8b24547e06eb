/**
 * Which rendezvous addresses the server accepts for itself to connect to (the owner's TO0) or to
 * write into vouchers (the manufacturer's rendezvous info). An address an operator sets becomes a
 * request the server sends on its own: without a check, the owner rendezvous list is a way to make
 * the server call its own loopback services or a cloud metadata endpoint (server-side request
 * forgery). Refused unless the operator allows them (`allowInternalRendezvous`, ADR 0018):
 *
 * - unspecified (0.0.0.0/8, ::), loopback (127.0.0.0/8, ::1, `localhost` names, RFC 6761),
 *   link-local (169.254.0.0/16, fe80::/10), multicast (224.0.0.0/4, ff00::/8) and broadcast;
 * - cloud metadata endpoints: 169.254.169.254, fd00:ec2::254, 100.100.100.200, and the names
 *   `metadata`, `metadata.google.internal`, `metadata.goog`, `instance-data`;
 * - the same IPv4 addresses inside IPv6: IPv4-mapped (::ffff:0:0/96, RFC 4291 §2.5.5.2) and the
 *   NAT64 well-known prefix (64:ff9b::/96, RFC 6052).
 *
 * Loopback is allowed when the server itself listens on loopback only (then its own addresses are
 * loopback ones, and nothing outside the host can set them). Private networks (RFC 1918, ULA)
 * stay allowed: an on-premises rendezvous lives there. Host names are checked by form here, and
 * by what they resolve to when the owner connects (`guardedLookup`).
 */
import { BlockList, isIP } from 'node:net';
import { IotopiaError } from '../errors.ts';

export interface RendezvousAddressPolicy {
  /** Accept every address (the `allowInternalRendezvous` setting). */
  allowInternal: boolean;
  /** The server listens on loopback only: loopback addresses are allowed. */
  loopbackServer: boolean;
}

/** Nothing internal, loopback included: what a server that listens beyond loopback applies. */
export const STRICT_ADDRESSES: Readonly<RendezvousAddressPolicy> = Object.freeze({ allowInternal: false, loopbackServer: false });

/** A rendezvous address is refused by the address policy. */
export const ERR_RENDEZVOUS_ADDRESS = 'ERR_RENDEZVOUS_ADDRESS';

export class RendezvousAddressError extends IotopiaError {
  readonly host: string;
  constructor(host: string, reason: string) {
    super(ERR_RENDEZVOUS_ADDRESS, `${host}: ${reason}`);
    this.host = host;
  }
}

type Kind = 'metadata' | 'unspecified' | 'loopback' | 'link-local' | 'multicast' | 'broadcast' | 'reserved';

function list(v4: string[], v6: string[]): BlockList {
  const b = new BlockList();
  for (const s of v4) {
    const [net, bits] = s.split('/') as [string, string];
    b.addSubnet(net, Number(bits), 'ipv4');
  }
  for (const s of v6) {
    const [net, bits] = s.split('/') as [string, string];
    b.addSubnet(net, Number(bits), 'ipv6');
  }
  return b;
}

/** Most specific first: a metadata address is also link-local, and says more. */
const KINDS: readonly [Kind, BlockList][] = [
  ['metadata', list(['169.254.169.254/32', '100.100.100.200/32'], ['fd00:ec2::254/128'])],
  ['unspecified', list(['0.0.0.0/8'], ['::/128'])],
  ['loopback', list(['127.0.0.0/8'], ['::1/128'])],
  ['link-local', list(['169.254.0.0/16'], ['fe80::/10'])],
  ['multicast', list(['224.0.0.0/4'], ['ff00::/8'])],
  ['broadcast', list(['255.255.255.255/32'], [])],
  // IPv4-compatible IPv6 (deprecated, RFC 4291 §2.5.5.1): no use for a rendezvous.
  ['reserved', list([], ['::/96'])],
];

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

const WHY: Readonly<Record<Kind, string>> = {
  metadata: 'a cloud metadata endpoint',
  unspecified: 'an unspecified address',
  loopback: 'a loopback address (allowed only while the server listens on loopback only)',
  'link-local': 'a link-local address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a deprecated IPv4-compatible IPv6 address',
};

/**
 * The host as a URL would reach it: IPv4 in dotted form (`2130706433` and `0x7f.1` are 127.0.0.1),
 * IPv6 compressed in lower case without brackets, names in lower case without a final dot.
 */
export function canonicalHost(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  try {
    const hostname = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
    return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address (canonical form), if any. */
function embeddedIpv4(v6: string): string | undefined {
  const m = /^(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (m === null) return undefined;
  const hi = Number.parseInt(m[1] as string, 16);
  const lo = Number.parseInt(m[2] as string, 16);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function kindOf(host: string): Kind | undefined {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (METADATA_NAMES.has(host)) return 'metadata';
  const family = isIP(host);
  if (family === 0) return undefined;
  const v4 = family === 6 ? embeddedIpv4(host) : host;
  const [address, type] = v4 === undefined ? [host, 'ipv6' as const] : [v4, 'ipv4' as const];
  return KINDS.find(([, b]) => b.check(address, type))?.[0];
}

/** Why `host` (a name or an address, as set or as resolved) may not be a rendezvous, or undefined when it may. */
export function addressRefusal(host: string, policy: RendezvousAddressPolicy): string | undefined {
  if (policy.allowInternal) return undefined;
  const canonical = canonicalHost(host.toLowerCase());
  if (canonical === undefined) return 'not a host name or IP address';
  const kind = kindOf(canonical);
  if (kind === undefined || (kind === 'loopback' && policy.loopbackServer)) return undefined;
  const as = canonical === host.toLowerCase() ? '' : `it is ${canonical}, `;
  return `${as}${WHY[kind]}; set allowInternalRendezvous to allow it`;
}
