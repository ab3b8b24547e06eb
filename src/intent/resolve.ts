/**
 * Resolves a parsed MUD file for one device (RFC 8520 §8, RFC 8519): every ACE of the from-device
 * and to-device policies becomes a match on concrete prefixes, protocol, ports, ICMP type/code and
 * ethertype. A pure function: names and abstractions are looked up in the context, never on the
 * network. What cannot be resolved or compiled is an IntentError, or with `lenient` a warning and
 * the ACE is left out (leaving an accept out narrows the policy; it never widens it).
 */
import type { Ace, Acl, MudMatch, PortMatch } from '../mud/model/acl.ts';
import type { MudFile } from '../mud/model/mud-file.ts';
import { IntentError } from './errors.ts';
import { normaliseMac, type Prefix, parsePrefix } from './ip.ts';
import type { AddressSet, DeviceContext, IntentWarning, ResolvedAce, ResolvedAcl, ResolvedPolicy, ResolvedPort } from './resolve-types.ts';

export interface ResolveOptions {
  /** Leave out ACEs that cannot be resolved, with a warning each, instead of failing. */
  lenient?: boolean;
}

type Side = 'src' | 'dst';

function prefixes(values: string[], where: string): Prefix[] {
  return values.map((v) => {
    const p = parsePrefix(v);
    if (p === undefined)
      throw new IntentError('ERR_INTENT_CONTEXT', where, `${where}: ${JSON.stringify(v)} is not an IP address or prefix`);
    return p;
  });
}

function nonEmpty(origin: string, values: string[] | undefined, where: string): AddressSet {
  if (values === undefined || values.length === 0) {
    throw new IntentError('ERR_INTENT_UNRESOLVED', where, `${where}: ${origin} resolves to no address in the device context`);
  }
  return { origin, prefixes: prefixes(values, `${where} (${origin})`) };
}

function authorityOf(url: string, where: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    throw new IntentError('ERR_INTENT_UNRESOLVED', where, `${where}: ${JSON.stringify(url)} is not a URL`);
  }
}

/** RFC 8520 §8: the addresses an ietf-mud match stands for. */
function mudSets(m: MudMatch, file: MudFile, ctx: DeviceContext, where: string): AddressSet[] {
  const sets: AddressSet[] = [];
  if (m.manufacturer !== undefined) {
    const a = m.manufacturer.toLowerCase();
    sets.push(nonEmpty(`manufacturer ${a}`, ctx.manufacturers?.get(a), where));
  }
  if (m.sameManufacturer === true) {
    const a = authorityOf(file.mud.mudUrl, where);
    sets.push(nonEmpty(`same-manufacturer ${a}`, ctx.manufacturers?.get(a), where));
  }
  if (m.model !== undefined) sets.push(nonEmpty(`model ${m.model}`, ctx.models?.get(m.model), where));
  if (m.controller !== undefined) sets.push(nonEmpty(`controller ${m.controller}`, ctx.controllers.get(m.controller), where));
  if (m.myController === true) sets.push(nonEmpty('my-controller', ctx.myControllers, where));
  if (m.localNetworks === true) sets.push(nonEmpty('local-networks', ctx.localNetworks, where));
  return sets;
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

function addressSets(ace: Ace, side: Side, ctx: DeviceContext, where: string): AddressSet[] {
  const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
  const sets: AddressSet[] = [];
  const network = side === 'src' ? ip?.sourceNetwork : ip?.destinationNetwork;
  if (network !== undefined) sets.push({ origin: 'network', prefixes: prefixes([network], where) });
  const name = side === 'src' ? ip?.srcDnsName : ip?.dstDnsName;
  if (name !== undefined) {
    const key = name.toLowerCase().replace(/\.$/, '');
    sets.push(nonEmpty(`dnsname ${key}`, ctx.names.get(key), where));
  }
  return sets;
}

/** An ACE whose address sets have no address of the family it matches would compile to nothing: unresolved. */
function checkFamilies(r: ResolvedAce, where: string): void {
  const sets = [...r.src, ...r.dst];
  const fixed = r.family ?? (r.ethertype === 0x0800 ? 4 : r.ethertype === 0x86dd ? 6 : undefined);
  const families = fixed === undefined ? [4, 6] : [fixed];
  if (sets.length === 0 || families.some((f) => sets.every((s) => s.prefixes.some((p) => p.family === f)))) return;
  const what = sets.map((s) => s.origin).join(', ');
  throw new IntentError(
    'ERR_INTENT_UNRESOLVED',
    where,
    `${where}: ${what} has no IPv${families.join('/IPv')} address in the device context`,
  );
}

function resolveAce(acl: Acl, ace: Ace, peer: Side, file: MudFile, ctx: DeviceContext): ResolvedAce {
  const where = `acl ${JSON.stringify(acl.name)} ace ${JSON.stringify(ace.name)}`;
  const bad = unsupportedFields(ace);
  if (bad.length > 0) throw new IntentError('ERR_INTENT_UNSUPPORTED', where, `${where}: cannot compile ${bad.join(', ')}`);
  const m = ace.matches;
  const src = addressSets(ace, 'src', ctx, where);
  const dst = addressSets(ace, 'dst', ctx, where);
  // RFC 8520 §8: the ietf-mud matches name the device's peer: the destination from the device, the source to it.
  if (m.mud !== undefined) (peer === 'src' ? src : dst).push(...mudSets(m.mud, file, ctx, where));
  const protocol = m.ipv4?.protocol ?? m.ipv6?.protocol ?? (m.tcp ? 6 : m.udp ? 17 : m.icmp ? (m.ipv6 ? 58 : 1) : undefined);
  const l4 = m.tcp ?? m.udp;
  const r: ResolvedAce = { acl: acl.name, ace: ace.name, src, dst, action: ace.actions.forwarding };
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
  checkFamilies(r, where);
  return r;
}

function resolveSide(
  file: MudFile,
  names: string[],
  peer: Side,
  ctx: DeviceContext,
  opts: ResolveOptions,
  warnings: IntentWarning[],
): ResolvedAcl[] {
  return names.map((name) => {
    const acl = file.acls.find((a) => a.name === name);
    if (acl === undefined)
      throw new IntentError(
        'ERR_INTENT_POLICY',
        `acl ${JSON.stringify(name)}`,
        `the policy names ACL ${JSON.stringify(name)}, which the file does not define`,
      );
    const aces: ResolvedAce[] = [];
    for (const ace of acl.aces) {
      try {
        aces.push(resolveAce(acl, ace, peer, file, ctx));
      } catch (e) {
        if (!(e instanceof IntentError) || opts.lenient !== true || e.code === 'ERR_INTENT_CONTEXT') throw e;
        warnings.push({ code: e.code, where: e.where, message: `${e.message}; the ACE is left out` });
      }
    }
    return { name, aces };
  });
}

function deviceAddress(value: string | undefined, family: 4 | 6, setting: string): Prefix | undefined {
  if (value === undefined) return undefined;
  const p = parsePrefix(value);
  if (p === undefined || p.family !== family || value.includes('/')) {
    throw new IntentError('ERR_INTENT_CONTEXT', setting, `${setting}: ${JSON.stringify(value)} is not an IPv${family} address`);
  }
  return p;
}

/** DNS names and authorities compare without case and without a final dot; so do the context's keys. */
function lowerKeys(map: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of map) {
    const key = k.toLowerCase().replace(/\.$/, '');
    out.set(key, [...(out.get(key) ?? []), ...v]);
  }
  return out;
}

/** Resolves `file` for the device described by `ctx`. */
export function resolveMud(file: MudFile, ctx: DeviceContext, opts: ResolveOptions = {}): ResolvedPolicy {
  const mac = normaliseMac(ctx.mac);
  if (mac === undefined) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', `mac: ${JSON.stringify(ctx.mac)} is not a MAC address`);
  prefixes(ctx.localNetworks, 'local-networks');
  const c: DeviceContext = { ...ctx, names: lowerKeys(ctx.names) };
  if (ctx.manufacturers !== undefined) c.manufacturers = lowerKeys(ctx.manufacturers);
  const warnings: IntentWarning[] = [];
  const policy: ResolvedPolicy = {
    mac,
    mudUrl: file.mud.mudUrl,
    fromDevice: resolveSide(file, file.mud.fromDevicePolicy?.aclNames ?? [], 'dst', c, opts, warnings),
    toDevice: resolveSide(file, file.mud.toDevicePolicy?.aclNames ?? [], 'src', c, opts, warnings),
    warnings,
  };
  const v4 = deviceAddress(ctx.ipv4, 4, 'ipv4');
  const v6 = deviceAddress(ctx.ipv6, 6, 'ipv6');
  if (v4 !== undefined) policy.ipv4 = v4;
  if (v6 !== undefined) policy.ipv6 = v6;
  return policy;
}
