/**
 * Resolves a parsed MUD file for one device (RFC 8520 §8, RFC 8519): every ACE of the from-device
 * and to-device policies becomes a match on concrete prefixes, protocol, ports, ICMP type/code and
 * ethertype. A pure function: names and abstractions are looked up in the context, never on the
 * network. What cannot be resolved or compiled is an IntentError, or with `lenient` a warning and
 * the ACE is left out (leaving an accept out narrows the policy; it never widens it). The part of
 * the work that does not depend on the device is done once per file (resolve-shape.ts).
 */
import type { MudMatch } from '../mud/model/acl.ts';
import type { MudFile } from '../mud/model/mud-file.ts';
import { IntentError, type IntentErrorCode } from './errors.ts';
import { normaliseMac, type Prefix, parsePrefix } from './ip.ts';
import { type AceShape, type AclShape, fileShape, type Side } from './resolve-shape.ts';
import type { AddressSet, DeviceContext, IntentWarning, ResolvedAce, ResolvedAcl, ResolvedPolicy } from './resolve-types.ts';

export interface ResolveOptions {
  /** Leave out ACEs that cannot be resolved, with a warning each, instead of failing. */
  lenient?: boolean;
}

/**
 * An ACE that cannot be resolved or compiled, thrown inside this module as a plain record (no
 * stack trace to capture): the lenient reading turns it into a warning, the strict one into an
 * IntentError. A bad context value is an IntentError at once, in both readings.
 */
interface AceFailure {
  code: IntentErrorCode;
  where: string;
  message: string;
}

/** Where a lookup in the device context goes: names, manufacturers, models, controllers, my-controller, local-networks. */
type LookupKind = 0 | 1 | 2 | 3 | 4 | 5;

/** One lookup in the device context and what it found. */
interface Lookup {
  kind: LookupKind;
  key: string;
  values: string[] | undefined;
}

function lookup(ctx: DeviceContext, kind: LookupKind, key: string): string[] | undefined {
  switch (kind) {
    case 0:
      return ctx.names.get(key);
    case 1:
      return ctx.manufacturers?.get(key);
    case 2:
      return ctx.models?.get(key);
    case 3:
      return ctx.controllers.get(key);
    case 4:
      return ctx.myControllers;
    case 5:
      return ctx.localNetworks;
  }
}

/** The device context as resolution reads it: every lookup is recorded, in order. */
interface Reader {
  ctx: DeviceContext;
  log: Lookup[];
}

function read(r: Reader, kind: LookupKind, key: string): string[] | undefined {
  const values = lookup(r.ctx, kind, key);
  r.log.push({ kind, key, values });
  return values;
}

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
    const f: AceFailure = {
      code: 'ERR_INTENT_UNRESOLVED',
      where,
      message: `${where}: ${origin} resolves to no address in the device context`,
    };
    throw f;
  }
  return { origin, prefixes: prefixes(values, `${where} (${origin})`) };
}

/** RFC 8520 §8: the addresses an ietf-mud match stands for. */
function mudSets(m: MudMatch, file: MudFile, authority: string | undefined, ctx: Reader, where: string): AddressSet[] {
  const sets: AddressSet[] = [];
  if (m.manufacturer !== undefined) {
    const a = m.manufacturer.toLowerCase();
    sets.push(nonEmpty(`manufacturer ${a}`, read(ctx, 1, a), where));
  }
  if (m.sameManufacturer === true) {
    if (authority === undefined) {
      const f: AceFailure = { code: 'ERR_INTENT_UNRESOLVED', where, message: `${where}: ${JSON.stringify(file.mud.mudUrl)} is not a URL` };
      throw f;
    }
    sets.push(nonEmpty(`same-manufacturer ${authority}`, read(ctx, 1, authority), where));
  }
  if (m.model !== undefined) sets.push(nonEmpty(`model ${m.model}`, read(ctx, 2, m.model), where));
  if (m.controller !== undefined) sets.push(nonEmpty(`controller ${m.controller}`, read(ctx, 3, m.controller), where));
  if (m.myController === true) sets.push(nonEmpty('my-controller', read(ctx, 4, ''), where));
  if (m.localNetworks === true) sets.push(nonEmpty('local-networks', read(ctx, 5, ''), where));
  return sets;
}

function addressSets(network: string | undefined, name: string | undefined, ctx: Reader, where: string): AddressSet[] {
  const sets: AddressSet[] = [];
  if (network !== undefined) sets.push({ origin: 'network', prefixes: prefixes([network], where) });
  if (name !== undefined) sets.push(nonEmpty(`dnsname ${name}`, read(ctx, 0, name), where));
  return sets;
}

/** An ACE whose address sets have no address of the family it matches would compile to nothing: unresolved. */
function checkFamilies(r: ResolvedAce, where: string): void {
  const sets = [...r.src, ...r.dst];
  const fixed = r.family ?? (r.ethertype === 0x0800 ? 4 : r.ethertype === 0x86dd ? 6 : undefined);
  const families = fixed === undefined ? [4, 6] : [fixed];
  if (sets.length === 0 || families.some((f) => sets.every((s) => s.prefixes.some((p) => p.family === f)))) return;
  const what = sets.map((s) => s.origin).join(', ');
  const f: AceFailure = {
    code: 'ERR_INTENT_UNRESOLVED',
    where,
    message: `${where}: ${what} has no IPv${families.join('/IPv')} address in the device context`,
  };
  throw f;
}

function resolveAce(s: AceShape, peer: Side, file: MudFile, authority: string | undefined, ctx: Reader): ResolvedAce {
  const where = s.where;
  if (s.unsupported.length > 0) {
    const f: AceFailure = { code: 'ERR_INTENT_UNSUPPORTED', where, message: `${where}: cannot compile ${s.unsupported.join(', ')}` };
    throw f;
  }
  const src = addressSets(s.srcNetwork, s.srcName, ctx, where);
  const dst = addressSets(s.dstNetwork, s.dstName, ctx, where);
  // RFC 8520 §8: the ietf-mud matches name the device's peer: the destination from the device, the source to it.
  if (s.mud !== undefined) (peer === 'src' ? src : dst).push(...mudSets(s.mud, file, authority, ctx, where));
  const x = s.fixed;
  const r: ResolvedAce = { acl: s.acl, ace: s.ace, src, dst, action: s.action };
  if (x.family !== undefined) r.family = x.family;
  if (x.ethertype !== undefined) r.ethertype = x.ethertype;
  if (x.protocol !== undefined) r.protocol = x.protocol;
  if (x.srcPort !== undefined) r.srcPort = { ...x.srcPort };
  if (x.dstPort !== undefined) r.dstPort = { ...x.dstPort };
  if (x.icmp !== undefined) r.icmp = { ...x.icmp };
  if (x.directionInitiated !== undefined) r.directionInitiated = x.directionInitiated;
  checkFamilies(r, where);
  return r;
}

const isFailure = (e: unknown): e is AceFailure => typeof e === 'object' && e !== null && !(e instanceof Error) && 'code' in e;

function resolveSide(
  file: MudFile,
  acls: AclShape[],
  authority: string | undefined,
  peer: Side,
  ctx: Reader,
  opts: ResolveOptions,
  warnings: IntentWarning[],
): ResolvedAcl[] {
  return acls.map(({ name, aces: shapes }) => {
    if (shapes === undefined)
      throw new IntentError(
        'ERR_INTENT_POLICY',
        `acl ${JSON.stringify(name)}`,
        `the policy names ACL ${JSON.stringify(name)}, which the file does not define`,
      );
    const aces: ResolvedAce[] = [];
    for (const s of shapes) {
      try {
        aces.push(resolveAce(s, peer, file, authority, ctx));
      } catch (e) {
        if (!isFailure(e)) throw e;
        if (opts.lenient !== true) throw new IntentError(e.code, e.where, e.message);
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

const dnsKey = (k: string): string => k.toLowerCase().replace(/\.$/, '');

/** DNS names and authorities compare without case and without a final dot; so do the context's keys. */
function lowerKeys(map: Map<string, string[]>): Map<string, string[]> {
  let normal = true;
  for (const k of map.keys()) if (dnsKey(k) !== k) normal = false;
  if (normal) return map;
  const out = new Map<string, string[]>();
  for (const [k, v] of map) {
    const key = dnsKey(k);
    out.set(key, [...(out.get(key) ?? []), ...v]);
  }
  return out;
}

/**
 * The last resolution of a file: resolving it again with a context whose lookups find the same
 * values takes the same path and gives the same ACLs, so they are reused (shared, read-only).
 */
interface Memo {
  lenient: boolean;
  log: Lookup[];
  fromDevice: ResolvedAcl[];
  toDevice: ResolvedAcl[];
  warnings: IntentWarning[];
}

const memos = new WeakMap<MudFile, Memo>();

const sameValues = (a: string[] | undefined, b: string[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));

function replays(m: Memo, ctx: DeviceContext, lenient: boolean): boolean {
  if (m.lenient !== lenient) return false;
  for (const l of m.log) if (!sameValues(lookup(ctx, l.kind, l.key), l.values)) return false;
  return true;
}

/**
 * Freezes the lists of a resolution (the ACL lists and each ACL's ACE list): what marks it as
 * shared (nft-compile.ts keeps its script text by identity). Freezing every ACE and prefix too
 * would cost more than resolving.
 */
function freezeLists(acls: ResolvedAcl[]): ResolvedAcl[] {
  for (const acl of acls) {
    Object.freeze(acl.aces);
    Object.freeze(acl);
  }
  return Object.freeze(acls) as ResolvedAcl[];
}

/** The from-device and to-device ACLs of `file` for the context, and the warnings, reused when the lookups match the last time. */
function resolveAcls(file: MudFile, ctx: DeviceContext, opts: ResolveOptions): Memo {
  const lenient = opts.lenient === true;
  const last = memos.get(file);
  if (last !== undefined && replays(last, ctx, lenient)) return last;
  const shape = fileShape(file);
  const reader: Reader = { ctx, log: [] };
  const warnings: IntentWarning[] = [];
  const fromDevice = resolveSide(file, shape.fromDevice, shape.authority, 'dst', reader, opts, warnings);
  const toDevice = resolveSide(file, shape.toDevice, shape.authority, 'src', reader, opts, warnings);
  // The values found are copied: a caller may change its context's arrays after this call.
  const log = reader.log.map((l) => ({ ...l, values: l.values === undefined ? undefined : [...l.values] }));
  const memo: Memo = { lenient, log, fromDevice: freezeLists(fromDevice), toDevice: freezeLists(toDevice), warnings };
  memos.set(file, memo);
  return memo;
}

/**
 * Resolves `file` for the device described by `ctx`. The resolved ACLs are shared by the policies
 * of devices whose context gives the file the same addresses: they are read-only (their lists are
 * frozen).
 */
export function resolveMud(file: MudFile, ctx: DeviceContext, opts: ResolveOptions = {}): ResolvedPolicy {
  const mac = normaliseMac(ctx.mac);
  if (mac === undefined) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', `mac: ${JSON.stringify(ctx.mac)} is not a MAC address`);
  prefixes(ctx.localNetworks, 'local-networks');
  const c: DeviceContext = { ...ctx, names: lowerKeys(ctx.names) };
  if (ctx.manufacturers !== undefined) c.manufacturers = lowerKeys(ctx.manufacturers);
  const acls = resolveAcls(file, c, opts);
  const policy: ResolvedPolicy = {
    mac,
    mudUrl: file.mud.mudUrl,
    fromDevice: acls.fromDevice,
    toDevice: acls.toDevice,
    warnings: [...acls.warnings],
  };
  const v4 = deviceAddress(ctx.ipv4, 4, 'ipv4');
  const v6 = deviceAddress(ctx.ipv6, 6, 'ipv6');
  if (v4 !== undefined) policy.ipv4 = v4;
  if (v6 !== undefined) policy.ipv6 = v6;
  return policy;
}
