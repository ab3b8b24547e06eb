/**
 * A resolved policy as an nftables script for `nft -f` (docs/intent.md): one `inet` table
 * `iotopia`; the device's chains are made or emptied and filled again in the same script, so
 * applying it is one atomic transaction. The addresses of its ACEs are in sets shared by content
 * (src/intent/nft-sets.ts), recorded per device in the `refs` set so that a set no device uses any
 * more can be deleted (src/intent/nft/nft-reconcile.ts). Identifiers derive from the MAC and from
 * hashes; every other value is a number or a validated prefix, so no string from the MUD file or the
 * caller can add nft syntax.
 */
import type { Direction } from '../mud/model/constants.ts';
import { IntentError } from './errors.ts';
import { type Prefix, parsePrefix } from './ip.ts';
import { aceRule, familiesOf } from './nft-rule.ts';
import type { NftSet } from './nft-sets.ts';
import type { ResolvedAcl, ResolvedPolicy } from './resolve-types.ts';

export const NFT_TABLE = 'iotopia';

export interface NftCompileOptions {
  /** Allow ARP-free IP basics (IPv6 ND/RA, DHCPv4/v6, DNS to `dnsServers`); default true. */
  basics?: boolean;
  /** The resolvers the device may send DNS queries to (udp/tcp 53). */
  dnsServers?: string[];
  /**
   * A name for the device, recorded as the comment of its `from_dev` verdict-map element so that it
   * can be found by name later; letters, digits, `.`, `_`, `-`, at most 64.
   */
  deviceName?: string;
  /**
   * The gateway interfaces the managed devices sit behind. Traffic forwarded out one of them that
   * is neither part of a tracked connection nor addressed to a managed device's MAC or known
   * address is dropped (RFC 6092 simple security: default deny of unsolicited inbound): it reaches a device
   * address the gateway was not told (an IPv6 SLAAC or privacy address, a static IPv4). Names as
   * DEVICE_INTERFACE; none by default (such traffic is then forwarded).
   */
  deviceInterfaces?: string[];
}

/** The characters and length of a device name (it is written into the script). */
export const DEVICE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** A Linux interface name: at most IFNAMSIZ - 1 = 15 characters (it is written into the script). */
export const DEVICE_INTERFACE = /^[A-Za-z0-9._-]{1,15}$/;
/** The comment of a device's `from_dev` element that records its name. */
export const NAME_COMMENT_PREFIX = 'iotopia device ';

/** The set recording which shared sets each device's rules use: `MAC . "a_…"` elements. */
export const REFS_SET = 'refs';

/**
 * The sets counting the packets each device's default deny dropped, with a counter per element:
 * from-device drops keyed by the device's MAC (`ether saddr`, which chose its chain), to-device
 * drops by the destination address (which chose it). Reading a set is cheap where reading named
 * counters makes nft read every rule.
 */
export const DROP_SETS = { from: 'drops_from', to4: 'drops_to4', to6: 'drops_to6' } as const;
const DROP_SET_TYPES = { drops_from: 'ether_addr', drops_to4: 'ipv4_addr', drops_to6: 'ipv6_addr' } as const;
/** The most keys a drop-count set holds; past it a drop is still a drop, only not counted. */
const DROP_SET_SIZE = 262144;

/** The declaration of a drop-count set, as the table head writes it. */
export const dropSetDeclaration = (name: keyof typeof DROP_SET_TYPES): string =>
  `set ${name} { type ${DROP_SET_TYPES[name]}; flags dynamic; size ${DROP_SET_SIZE}; counter; }`;

interface Compiled {
  sets: Map<string, NftSet>;
  chains: { name: string; rules: string[] }[];
}

/** The identifier of a device's objects: `d_` and the MAC's twelve hex digits. */
export function deviceId(mac: string): string {
  const hex = mac.replaceAll(':', '');
  if (!/^[0-9a-f]{12}$/.test(hex)) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', 'the MAC address is not normalised');
  return `d_${hex}`;
}

/*
 * The end of each device chain: the drop counted, then the drop itself in a rule of its own, so
 * that a full count set (where the update fails and ends its rule) never turns it into a pass.
 */
const DROP_FROM = [`update @${DROP_SETS.from} { ether saddr }`, 'drop'];
const DROP_TO = [
  `meta nfproto ipv4 update @${DROP_SETS.to4} { ip daddr }`,
  `meta nfproto ipv6 update @${DROP_SETS.to6} { ip6 daddr }`,
  'drop',
];

/**
 * The device's `from_dev` element, made again so that its comment (the name) is the new one: an
 * `add` of an element that exists keeps the old comment. In one transaction nothing sees the gap.
 */
function fromDevElement(mac: string, id: string, name: string | undefined): string[] {
  const t = `inet ${NFT_TABLE}`;
  if (name !== undefined && !DEVICE_NAME.test(name))
    throw new IntentError('ERR_INTENT_CONTEXT', 'device', `device: ${JSON.stringify(name)} is not a device name`);
  const comment = name === undefined ? '' : ` comment "${NAME_COMMENT_PREFIX}${name}"`;
  return [
    `add element ${t} from_dev { ${mac} : jump ${id}_from }`,
    `delete element ${t} from_dev { ${mac} }`,
    `add element ${t} from_dev { ${mac}${comment} : jump ${id}_from }`,
  ];
}

function compileAcls(acls: ResolvedAcl[], dir: Direction, id: string, out: Compiled): void {
  const tag = dir === 'from-device' ? 'f' : 't';
  acls.forEach((acl, i) => {
    const chain = `${id}_${tag}${i}`;
    const rules: string[] = [];
    for (const ace of acl.aces) {
      for (const f of familiesOf(ace)) {
        const r = aceRule(ace, f, dir);
        for (const set of r.sets) out.sets.set(set.name, set);
        rules.push(r.rule);
      }
    }
    out.chains.push({ name: chain, rules });
  });
}

/** The `--dns-server` values as host prefixes; an IntentError when one is not an address. */
export function dnsServers(values: string[]): Prefix[] {
  return values.map((v) => {
    const p = parsePrefix(v);
    if (p === undefined || v.includes('/'))
      throw new IntentError('ERR_INTENT_CONTEXT', 'dns-server', `dns-server: ${JSON.stringify(v)} is not an IP address`);
    return p;
  });
}

/** The `--device-interface` values, checked; an IntentError when one is not an interface name. */
export function deviceInterfaces(values: string[]): string[] {
  for (const v of values)
    if (!DEVICE_INTERFACE.test(v))
      throw new IntentError(
        'ERR_INTENT_CONTEXT',
        'device-interface',
        `device-interface: ${JSON.stringify(v)} is not an interface name (letters, digits, '.', '_', '-', at most 15)`,
      );
  return values;
}

/*
 * The basics are written without `{ … }`: an anonymous set is a set in the kernel too, and every
 * set in the table makes each transaction slower (docs/decisions/0025-nft-shared-sets.md).
 */
function basicsFrom(dns: Prefix[]): string[] {
  const rules = [
    'icmpv6 type nd-router-solicit accept',
    'icmpv6 type nd-neighbor-solicit accept',
    'icmpv6 type nd-neighbor-advert accept',
    'meta nfproto ipv4 udp sport 68 udp dport 67 accept',
    'meta nfproto ipv6 udp sport 546 udp dport 547 accept',
  ];
  for (const p of dns) {
    const addr = `${p.family === 4 ? 'ip' : 'ip6'} daddr ${p.text.replace(/\/(32|128)$/, '')}`;
    rules.push(`${addr} tcp dport 53 accept`, `${addr} udp dport 53 accept`);
  }
  return rules;
}

const BASICS_TO = [
  'icmpv6 type nd-router-advert accept',
  'icmpv6 type nd-neighbor-solicit accept',
  'icmpv6 type nd-neighbor-advert accept',
  'meta nfproto ipv4 udp sport 67 udp dport 68 accept',
  'meta nfproto ipv6 udp sport 547 udp dport 546 accept',
];

/**
 * Two base chains on the forward hook: an accept in one ends only that chain, so traffic between
 * two managed devices must pass the sender's from-device policy and then the receiver's to-device
 * policy; a drop in either is final. After the to-device dispatch, new traffic out a device
 * interface that no device claims (by MAC or known address) is dropped, one rule per interface.
 */
function tableHead(ifaces: string[]): string[] {
  const t = `inet ${NFT_TABLE}`;
  return [
    `table ${t} {`,
    '  map from_dev { type ether_addr : verdict; }',
    '  map to_dev { type ether_addr : verdict; }',
    '  map to_dev4 { type ipv4_addr : verdict; }',
    '  map to_dev6 { type ipv6_addr : verdict; }',
    `  set ${REFS_SET} { type ether_addr . ifname; }`,
    ...Object.values(DROP_SETS).map((d) => `  ${dropSetDeclaration(d)}`),
    '  chain from_device { type filter hook forward priority filter; policy accept; }',
    '  chain to_device { type filter hook forward priority filter + 10; policy accept; }',
    '}',
    `flush chain ${t} from_device`,
    `add rule ${t} from_device ct state established,related accept`,
    `add rule ${t} from_device ether saddr vmap @from_dev`,
    `flush chain ${t} to_device`,
    `add rule ${t} to_device ct state established,related accept`,
    `add rule ${t} to_device ether daddr vmap @to_dev`,
    `add rule ${t} to_device ip daddr vmap @to_dev4`,
    `add rule ${t} to_device ip6 daddr vmap @to_dev6`,
    ...ifaces.map((i) => `add rule ${t} to_device oifname "${i}" counter drop`),
  ];
}

/** `add set …` with its elements: adding a set that exists with these elements changes nothing. */
const setLine = (t: string, s: NftSet): string =>
  `add set ${t} ${s.name} { type ${s.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval;${
    s.elements.length > 0 ? ` elements = { ${s.elements.join(', ')} };` : ''
  } }`;

interface AclBlock {
  lines: string[];
  /** The shared sets the block's rules use. */
  sets: string[];
}

/** The lines of the ACL chains for the device `id`: made or emptied, their sets, their rules. */
function aclLines(from: ResolvedAcl[], to: ResolvedAcl[], id: string): AclBlock {
  const t = `inet ${NFT_TABLE}`;
  const out: Compiled = { sets: new Map(), chains: [] };
  compileAcls(from, 'from-device', id, out);
  compileAcls(to, 'to-device', id, out);
  const lines: string[] = [];
  for (const c of out.chains) lines.push(`add chain ${t} ${c.name}`, `flush chain ${t} ${c.name}`);
  for (const s of out.sets.values()) lines.push(setLine(t, s));
  for (const c of out.chains) {
    const prefix = `add rule ${t} ${c.name} `;
    for (const r of c.rules) lines.push(prefix + r);
  }
  return { lines, sets: [...out.sets.keys()] };
}

/** Stands for the device identifier in a kept block: no character of a script is ever NUL. */
const ID = '\u0000';

/**
 * The ACL lines of a pair of frozen ACL lists, as text cut where the device identifier goes; kept
 * from the second device that uses the pair (the first only marks it, `pieces` undefined).
 */
const blocks = new WeakMap<ResolvedAcl[], { to: ResolvedAcl[]; pieces?: string[]; sets?: string[] }>();

/**
 * aclLines for `policy`. The lists resolveMud returns are frozen and shared by devices that
 * resolved the same: their text is made once and only the identifier changes.
 */
function aclBlock(policy: ResolvedPolicy, id: string): AclBlock {
  const from = policy.fromDevice;
  const to = policy.toDevice;
  if (!Object.isFrozen(from) || !Object.isFrozen(to)) return aclLines(from, to, id);
  const b = blocks.get(from);
  if (b === undefined || b.to !== to) {
    blocks.set(from, { to });
    return aclLines(from, to, id);
  }
  if (b.pieces === undefined || b.sets === undefined) {
    const made = aclLines(from, to, ID);
    b.pieces = made.lines.join('\n').split(ID);
    b.sets = made.sets;
  }
  const lines = b.pieces.length === 1 && b.pieces[0] === '' ? [] : [b.pieces.join(id)];
  return { lines, sets: b.sets };
}

/** Compiles `policy` to an nft script; apply it with `nft -f`. */
export function compileNft(policy: ResolvedPolicy, opts: NftCompileOptions = {}): string {
  const id = deviceId(policy.mac);
  const t = `inet ${NFT_TABLE}`;
  const block = aclBlock(policy, id);
  const basics = opts.basics !== false;
  const named = fromDevElement(policy.mac, id, opts.deviceName);
  const ifaces = deviceInterfaces(opts.deviceInterfaces ?? []);
  const lines = [`# IoTopia device policy for ${policy.mac}: apply with nft -f (one transaction)`, ...tableHead(ifaces)];
  for (const c of [`${id}_from`, `${id}_to`]) lines.push(`add chain ${t} ${c}`, `flush chain ${t} ${c}`);
  lines.push(...block.lines);
  const from = `add rule ${t} ${id}_from `;
  if (basics) for (const r of basicsFrom(dnsServers(opts.dnsServers ?? []))) lines.push(from + r);
  for (let i = 0; i < policy.fromDevice.length; i++) lines.push(`${from}jump ${id}_f${i}`);
  for (const r of DROP_FROM) lines.push(from + r);
  const to = `add rule ${t} ${id}_to `;
  if (basics) for (const r of BASICS_TO) lines.push(to + r);
  for (let i = 0; i < policy.toDevice.length; i++) lines.push(`${to}jump ${id}_t${i}`);
  for (const r of DROP_TO) lines.push(to + r);
  lines.push(...named, `add element ${t} to_dev { ${policy.mac} : jump ${id}_to }`);
  if (policy.ipv4 !== undefined) lines.push(`add element ${t} to_dev4 { ${policy.ipv4.text.replace(/\/32$/, '')} : jump ${id}_to }`);
  if (policy.ipv6 !== undefined) lines.push(`add element ${t} to_dev6 { ${policy.ipv6.text.replace(/\/128$/, '')} : jump ${id}_to }`);
  for (const name of block.sets) lines.push(`add element ${t} ${REFS_SET} { ${policy.mac} . "${name}" }`);
  lines.push('');
  return lines.join('\n');
}
