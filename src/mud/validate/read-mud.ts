/**
 * Reads the `ietf-mud:mud` container (RFC 8520, module ietf-mud, grouping mud-grouping) with the extension members
 * that augment it.
 */
import {
  ACL_MODULE,
  ACLDNS_MODULE,
  CACHE_VALIDITY_DEFAULT,
  CACHE_VALIDITY_MAX,
  CACHE_VALIDITY_MIN,
  EXTENSION_NAME_MAX,
  MUD_MODULE,
  MUD_VERSION,
  QUARANTINE_MEMBERS,
} from '../model/constants.ts';
import type { MudContainer, Policy } from '../model/mud-file.ts';
import { extensionOfModule, noteExtension, type ReadContext } from './context.ts';
import { checkMembers, moduleOf, readObject } from './members.ts';
import { child, type Path } from './path.ts';
import { readOl, readQuarantine, readTransparency } from './read-extensions.ts';
import { readBoolean, readDateAndTime, readHttpsUrl, readList, readString, readUint, readUri } from './yang-types.ts';

const MUD_MEMBERS = [
  'mud-version',
  'mud-url',
  'last-update',
  'mud-signature',
  'cache-validity',
  'is-supported',
  'systeminfo',
  'mfg-name',
  'model-name',
  'firmware-rev',
  'software-rev',
  'documentation',
  'extensions',
  'from-device-policy',
  'to-device-policy',
];
const ACCESS_LISTS_MEMBERS = ['access-list'];
const ACCESS_LIST_MEMBERS = ['name'];
const POLICY_MEMBERS = ['access-lists'];
const MANDATORY = ['mud-version', 'mud-url', 'last-update', 'is-supported'];
const CORE_MODULES = [MUD_MODULE, ACL_MODULE, ACLDNS_MODULE, 'ietf-packet-fields', 'ietf-ethertypes'];

/** Reads an `access-lists` container (RFC 8520, module ietf-mud, grouping access-lists): the ACL names, in order. */
export function readAccessLists(ctx: ReadContext, v: unknown, path: Path): string[] | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ACCESS_LISTS_MEMBERS);
  if (o['access-list'] === undefined) return [];
  const seen = new Set<string>();
  return readList(issues, o['access-list'], child(path, 'access-list'), limits.maxListItems, (x, p) => {
    const e = readObject(issues, x, p);
    if (e === undefined) return undefined;
    checkMembers(issues, e, p, ACCESS_LIST_MEMBERS);
    if (e.name === undefined) {
      issues.error('ERR_MUD_MISSING', child(p, 'name'), 'name is the key of access-list');
      return undefined;
    }
    const name = readString(issues, e.name, child(p, 'name'), 1, 64);
    if (name === undefined) return undefined;
    if (seen.has(name)) {
      issues.error('ERR_MUD_DUPLICATE_NAME', child(p, 'name'), `${JSON.stringify(name)} is listed twice in this policy`);
      return undefined;
    }
    seen.add(name);
    return name;
  });
}

function readPolicy(ctx: ReadContext, v: unknown, path: Path): Policy | undefined {
  const o = readObject(ctx.issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(ctx.issues, o, path, POLICY_MEMBERS);
  return { aclNames: o['access-lists'] === undefined ? [] : (readAccessLists(ctx, o['access-lists'], child(path, 'access-lists')) ?? []) };
}

export function readMudContainer(ctx: ReadContext, v: unknown, path: Path): MudContainer | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const extras: Partial<MudContainer> = {};
  const unknownExtensions: Record<string, unknown> = {};
  checkMembers(issues, o, path, MUD_MEMBERS, (k, value, p) => {
    const module = moduleOf(k);
    if (module === undefined) return false;
    const local = k.slice(module.length + 1);
    if ((QUARANTINE_MEMBERS as readonly string[]).includes(local)) {
      const q = readQuarantine(ctx, k, value, p, (x, q) => readAccessLists(ctx, x, q));
      if (q !== undefined) extras.quarantine = q;
      return true;
    }
    // The core modules add nothing to this container under a qualified name (RFC 7951 §4 wants
    // the simple name for ietf-mud's own members): those are errors, not extensions.
    if (CORE_MODULES.includes(module)) return false;
    const ext = extensionOfModule(module);
    if (ext === undefined) {
      issues.warn('WARN_MUD_UNKNOWN_EXTENSION', p, `member of module ${module}, which IoTopia does not know; kept, not checked`);
      unknownExtensions[k] = value;
      return true;
    }
    noteExtension(ctx, ext, p);
    if (k === 'ietf-mud-transparency:transparency') {
      const t = readTransparency(ctx, value, p);
      if (t !== undefined) extras.transparency = t;
      return true;
    }
    if (k === 'ietf-mud-tls:is-tls-dtls-profile-supported') {
      const b = readBoolean(issues, value, p);
      if (b !== undefined) extras.tlsDtlsProfileSupported = b;
      return true;
    }
    if (k === 'ietf-ol:ol') {
      const ol = readOl(ctx, value, p);
      if (ol !== undefined) extras.ol = ol;
      return true;
    }
    return false;
  });
  for (const m of MANDATORY) if (o[m] === undefined) issues.error('ERR_MUD_MISSING', child(path, m), `${m} is mandatory`);

  let ok = true;
  const need = <T>(r: T | undefined): T => {
    if (r === undefined) ok = false;
    return r as T;
  };
  const opt = <T>(member: string, read: (x: unknown, p: Path) => T | undefined): T | undefined =>
    o[member] === undefined ? undefined : need(read(o[member], child(path, member)));

  const mudVersion = opt('mud-version', (x, p) => readUint(issues, x, p, 0, 255));
  if (mudVersion !== undefined && mudVersion !== MUD_VERSION)
    issues.error(
      'ERR_MUD_VERSION',
      child(path, 'mud-version'),
      `mud-version ${mudVersion}; this implementation reads version ${MUD_VERSION}`,
    );
  const mudUrl = opt('mud-url', (x, p) => readHttpsUrl(issues, x, p));
  const lastUpdate = opt('last-update', (x, p) => readDateAndTime(issues, x, p));
  const mudSignature = opt('mud-signature', (x, p) => readHttpsUrl(issues, x, p));
  const cacheValidity = opt('cache-validity', (x, p) =>
    readUint(issues, x, p, CACHE_VALIDITY_MIN, CACHE_VALIDITY_MAX, 'a number of hours'),
  );
  const isSupported = opt('is-supported', (x, p) => readBoolean(issues, x, p));
  const text = (member: string) => opt(member, (x, p) => readString(issues, x, p));
  const systeminfo = text('systeminfo');
  const mfgName = text('mfg-name');
  const modelName = text('model-name');
  const firmwareRev = text('firmware-rev');
  const softwareRev = text('software-rev');
  const documentation = opt('documentation', (x, p) => readUri(issues, x, p));
  const extensions =
    opt('extensions', (x, p) => {
      const seen = new Set<string>();
      return readList(issues, x, p, limits.maxListItems, (e, q) => {
        const name = readString(issues, e, q, 1, EXTENSION_NAME_MAX);
        if (name === undefined) return undefined;
        // A leaf-list of configuration data holds each value once (RFC 7950 §7.7).
        if (seen.has(name)) issues.error('ERR_MUD_DUPLICATE_NAME', q, `extension ${JSON.stringify(name)} is listed twice`);
        seen.add(name);
        return name;
      });
    }) ?? [];
  const fromDevicePolicy = opt('from-device-policy', (x, p) => readPolicy(ctx, x, p));
  const toDevicePolicy = opt('to-device-policy', (x, p) => readPolicy(ctx, x, p));
  if (!ok || mudVersion === undefined || mudUrl === undefined || lastUpdate === undefined || isSupported === undefined) return undefined;

  const mud: MudContainer = {
    mudVersion,
    mudUrl,
    lastUpdate,
    cacheValidity: cacheValidity ?? CACHE_VALIDITY_DEFAULT,
    isSupported,
    extensions,
    unknownExtensions,
    ...extras,
  };
  const optional = {
    mudSignature,
    systeminfo,
    mfgName,
    modelName,
    firmwareRev,
    softwareRev,
    documentation,
    fromDevicePolicy,
    toDevicePolicy,
  };
  for (const [k, val] of Object.entries(optional)) if (val !== undefined) (mud as unknown as Record<string, unknown>)[k] = val;
  return mud;
}
