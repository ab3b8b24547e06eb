/**
 * Lenient reading of what real MUD tools write where the intent is unambiguous (lenient mode only;
 * strict reading never calls this, so each shape stays the error it always was):
 * - a bare address in an ipv4/ipv6 network match: a host route, `/32` or `/128`;
 * - `ipv4`, `ipv6`, `eth` as ACL types: `ipv4-acl-type`, `ipv6-acl-type`, `eth-acl-type`;
 * - `[]` for a leaf of type empty, which RFC 7951 §6.9 writes `[null]`;
 * - a yang:date-and-time without a time offset, read as UTC (`Z`).
 *
 * Each change is reported with its own warning code at the path of the changed value. Anything
 * else (an address of the other family, a prefix length out of range, a non-empty array for an
 * empty leaf, an impossible date) is left as it is, so that the reader refuses it as before.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ACL_MODULE, ACLS_MEMBER, MUD_MEMBER } from '../model/constants.ts';
import type { Issues } from './issues.ts';
import { at } from './path.ts';
import { isDateAndTime, isObject, type JsonObject } from './yang-types.ts';

const ACL_TYPE_SHORTHANDS: Readonly<Record<string, string>> = {
  ipv4: 'ipv4-acl-type',
  ipv6: 'ipv6-acl-type',
  eth: 'eth-acl-type',
};

/** Network leaves of the ipv4/ipv6 match containers, with the host route of their family. */
const NETWORK_LEAVES: Readonly<Record<string, { leaves: readonly string[]; isAddress: (s: string) => boolean; host: number }>> = {
  ipv4: { leaves: ['source-ipv4-network', 'destination-ipv4-network'], isAddress: isIPv4, host: 32 },
  ipv6: { leaves: ['source-ipv6-network', 'destination-ipv6-network'], isAddress: isIPv6, host: 128 },
};

/** Leaves of type empty: those of the `ietf-mud:mud` match container (RFC 8520 §2.1). */
const EMPTY_LEAVES = ['same-manufacturer', 'local-networks', 'my-controller'] as const;

/** Leaves of type yang:date-and-time: those of the top-level MUD container. */
const DATE_AND_TIME_LEAVES = ['last-update'] as const;

const DATE_TIME_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

const quoted = (s: string): string => JSON.stringify(s.slice(0, 60));

function aclTypes(acls: JsonObject, path: string, issues: Issues): void {
  if (!Array.isArray(acls.acl)) return;
  for (const [i, acl] of acls.acl.entries()) {
    if (!isObject(acl) || typeof acl.type !== 'string') continue;
    const name = acl.type.startsWith(`${ACL_MODULE}:`) ? acl.type.slice(ACL_MODULE.length + 1) : acl.type;
    const full = ACL_TYPE_SHORTHANDS[name];
    if (full === undefined) continue;
    issues.warn('WARN_MUD_ACL_TYPE_SHORTHAND', `${path}/acl/${i}/type`, `ACL type ${quoted(acl.type)} read as ${JSON.stringify(full)}`);
    acl.type = full;
  }
}

function networks(container: JsonObject, family: string, path: string, issues: Issues): void {
  const spec = NETWORK_LEAVES[family];
  if (spec === undefined) return;
  for (const leaf of spec.leaves) {
    const v = container[leaf];
    // A zone index (`%eth0`) names a link, not a host route: left for the reader to refuse.
    if (typeof v !== 'string' || v.includes('/') || v.includes('%') || !spec.isAddress(v)) continue;
    const prefix = `${v}/${spec.host}`;
    issues.warn(
      'WARN_MUD_HOST_ROUTE',
      at(path, leaf),
      `address ${quoted(v)} without a prefix length read as the host route ${quoted(prefix)}`,
    );
    container[leaf] = prefix;
  }
}

function emptyLeaves(container: JsonObject, leaves: readonly string[], path: string, issues: Issues): void {
  for (const leaf of leaves) {
    const v = container[leaf];
    if (!Array.isArray(v) || v.length !== 0) continue;
    issues.warn('WARN_MUD_EMPTY_LEAF', at(path, leaf), 'empty leaf written [] read as [null] (RFC 7951 §6.9)');
    container[leaf] = [null];
  }
}

function dateTimes(container: JsonObject, leaves: readonly string[], path: string, issues: Issues): void {
  for (const leaf of leaves) {
    const v = container[leaf];
    if (typeof v !== 'string' || !DATE_TIME_WITHOUT_OFFSET.test(v) || !isDateAndTime(`${v}Z`)) continue;
    issues.warn('WARN_MUD_DATE_NO_OFFSET', at(path, leaf), `date-and-time ${quoted(v)} without a time offset read as UTC`);
    container[leaf] = `${v}Z`;
  }
}

/** Visits every object of the tree with the member name it is under (array items: the array's). */
function visit(v: unknown, path: string, key: string, fn: (o: JsonObject, path: string, key: string) => void): void {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) visit(x, at(path, i), key, fn);
    return;
  }
  if (!isObject(v)) return;
  fn(v, path, key);
  for (const [k, x] of Object.entries(v)) visit(x, at(path, k), k, fn);
}

/**
 * Normalises the lenient shapes in `root` (a parsed MUD file, already in the RFC member names)
 * in place, one warning per change.
 */
export function normaliseLenientShapes(root: JsonObject, issues: Issues): void {
  const mudPath = at('', MUD_MEMBER);
  const mud = root[MUD_MEMBER];
  if (isObject(mud)) dateTimes(mud, DATE_AND_TIME_LEAVES, mudPath, issues);
  const acls = root[ACLS_MEMBER];
  if (!isObject(acls)) return;
  const aclsPath = at('', ACLS_MEMBER);
  aclTypes(acls, aclsPath, issues);
  // The match container has the name of the top-level container; only ACLs hold the former.
  visit(acls, aclsPath, '', (o, path, key) => {
    if (key === MUD_MEMBER) emptyLeaves(o, EMPTY_LEAVES, path, issues);
    if (key === 'ipv4' || key === 'ipv6') networks(o, key, path, issues);
  });
}
