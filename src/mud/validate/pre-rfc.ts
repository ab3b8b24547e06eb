/**
 * The pre-RFC shape of MUD files still found in the wild (files written against the drafts of
 * RFC 8519/8520, e.g. by mudgee): `ietf-access-control-list:access-lists` for `acls`,
 * `ethernet-acl-type` for `eth-acl-type`, ethertypes as hex strings ("0x0800"), and YANG
 * prefixes in member names where RFC 7951 §4 wants module names ("mudtx:transparency"), the
 * draft's port operator "range", and (lenient only) Ethernet matches in a file without any ACL of
 * an Ethernet type, whose ACLs are then given the mixed type.
 *
 * Strict reading reports each as `ERR_MUD_PRE_RFC_SHAPE`; lenient reading accepts it with one
 * `WARN_MUD_NORMALISED` per change. Either way the tree is normalised in place, so that the rest
 * of the reading reports only what is wrong beyond the old shape.
 */
import { ACL_MODULE, ACLS_MEMBER } from '../model/constants.ts';
import type { Issues } from './issues.ts';
import { normaliseLenientShapes } from './lenient-shapes.ts';
import { tooDeep } from './limits.ts';
import { at } from './path.ts';
import { prefixedName } from './prefixed-name.ts';
import { isObject, type JsonObject } from './yang-types.ts';

const OLD_ACLS_MEMBER = `${ACL_MODULE}:access-lists`;

function report(issues: Issues, lenient: boolean, path: string, what: string): void {
  if (lenient) issues.warn('WARN_MUD_NORMALISED', path, `normalised: ${what}`);
  else issues.error('ERR_MUD_PRE_RFC_SHAPE', path, `pre-RFC shape: ${what} (lenient mode accepts it)`);
}

/** Renames one member of `o` in place, keeping the member order. */
function rename(o: JsonObject, from: string, to: string): void {
  const entries = Object.entries(o);
  for (const k of Object.keys(o)) delete o[k];
  for (const [k, v] of entries) o[k === from ? to : k] = v;
}

/** Renamed members: the path in the normalised tree and the path of the member as the file has it. */
type Renames = [string, string][];

/** The walk's state: where it is, as member names and indexes (a path is built only to report). */
interface Walk {
  issues: Issues;
  lenient: boolean;
  /** Deepest nesting accepted (MudLimits.maxDepth), counted as checkDepth counts it. */
  maxDepth: number;
  renames: Renames;
  segments: (string | number)[];
}

const here = (w: Walk): string => w.segments.reduce<string>((p, s) => at(p, s), '');

/** Renames the members of `v` written with a YANG prefix, unless the module-named member is there too. */
function renamePrefixed(w: Walk, v: JsonObject): void {
  for (const k of Object.keys(v)) {
    const to = prefixedName(k);
    if (to !== undefined && !(to in v)) {
      const path = here(w);
      report(w.issues, w.lenient, at(path, k), `member ${JSON.stringify(k)} uses a YANG prefix; RFC 7951 names it ${JSON.stringify(to)}`);
      rename(v, k, to);
      w.renames.push([at(path, to), at(path, k)]);
    }
  }
}

/** Walks `v`, at `depth` (the root is 0): it throws before recursing deeper than the limit. */
function walk(w: Walk, v: unknown, parentKey: string, depth: number): void {
  if (typeof v !== 'object' || v === null) return;
  if (depth + 1 > w.maxDepth) throw tooDeep(w.maxDepth);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x !== 'object' || x === null) continue;
      w.segments.push(i);
      walk(w, x, parentKey, depth + 1);
      w.segments.pop();
    }
    return;
  }
  if (!isObject(v)) return;
  const errorsAt = w.issues.errors.length;
  const warningsAt = w.issues.warnings.length;
  checkShapes(w, v, parentKey);
  // One pass over the members both looks each name up and walks its value. Prefixed names are
  // rare: at the first, the members are renamed, their reports are moved ahead of what this
  // object reported so far (as if renamed first), and the pass goes on over the new names.
  for (const k in v) {
    if (prefixedName(k) !== undefined) {
      walkRenamed(w, v, k, depth, errorsAt, warningsAt);
      return;
    }
    walkMember(w, v, k, depth);
  }
}

function walkMember(w: Walk, v: JsonObject, k: string, depth: number): void {
  const x = v[k];
  // Only arrays and objects hold members to normalise (leaves are skipped without a call).
  if (typeof x !== 'object' || x === null) return;
  w.segments.push(k);
  walk(w, x, k, depth + 1);
  w.segments.pop();
}

/** Moves the items of `list` from index `from` on to index `to`, keeping their order (no spread: lists can be long). */
function moveBack<T>(list: T[], from: number, to: number): void {
  if (from === list.length || from === to) return;
  const moved = list.slice(from);
  const between = list.slice(to, from);
  list.length = to;
  for (const x of moved) list.push(x);
  for (const x of between) list.push(x);
}

/** Renames the prefixed members of `v`, then walks the members from `from` on, by their new names. */
function walkRenamed(w: Walk, v: JsonObject, from: string, depth: number, errorsAt: number, warningsAt: number): void {
  const { errors, warnings } = w.issues;
  const position = Object.keys(v).indexOf(from);
  const errorsFrom = errors.length;
  const warningsFrom = warnings.length;
  renamePrefixed(w, v);
  // Renaming keeps each member in its place, so the members before `position` are walked already.
  moveBack(errors, errorsFrom, errorsAt);
  moveBack(warnings, warningsFrom, warningsAt);
  const keys = Object.keys(v);
  for (let i = position; i < keys.length; i++) walkMember(w, v, keys[i] as string, depth);
}

/** The pre-RFC leaf shapes: hex ethertypes, the port operator "range", the old Ethernet ACL type. */
function checkShapes(w: Walk, v: JsonObject, parentKey: string): void {
  const { issues, lenient } = w;
  if (parentKey === 'eth' && typeof v.ethertype === 'string' && /^0x[0-9a-fA-F]{1,4}$/.test(v.ethertype)) {
    const n = Number.parseInt(v.ethertype.slice(2), 16);
    report(
      issues,
      lenient,
      at(here(w), 'ethertype'),
      `ethertype ${JSON.stringify(v.ethertype)} as a hex string; RFC 8519 writes the number ${n}`,
    );
    v.ethertype = n;
  }
  if (
    (parentKey === 'source-port' || parentKey === 'destination-port') &&
    v.operator === 'range' &&
    ('lower-port' in v || 'upper-port' in v)
  ) {
    report(
      issues,
      lenient,
      at(here(w), 'operator'),
      'operator "range" beside lower-port/upper-port; RFC 8519 writes a range without an operator',
    );
    delete v.operator;
  }
  if (parentKey === 'acl' && (v.type === 'ethernet-acl-type' || v.type === `${ACL_MODULE}:ethernet-acl-type`)) {
    report(issues, lenient, at(here(w), 'type'), `ACL type ${JSON.stringify(v.type)}; RFC 8519 calls it "eth-acl-type"`);
    v.type = 'eth-acl-type';
  }
}

/**
 * Finds and normalises the pre-RFC shape in `root` (a parsed MUD file), reporting each change;
 * this is the first walk over the tree, and it also enforces `maxDepth` (ERR_MUD_TOO_DEEP).
 * Returns the function that maps a path in the normalised tree back to the file's own member
 * names, so that every reported path points into the file as written.
 */
export function normalisePreRfc(root: JsonObject, issues: Issues, lenient: boolean, maxDepth: number): (path: string) => string {
  const renames: Renames = [];
  if (OLD_ACLS_MEMBER in root && !(ACLS_MEMBER in root)) {
    report(
      issues,
      lenient,
      at('', OLD_ACLS_MEMBER),
      `${JSON.stringify(OLD_ACLS_MEMBER)}; RFC 8519 names the container ${JSON.stringify(ACLS_MEMBER)}`,
    );
    rename(root, OLD_ACLS_MEMBER, ACLS_MEMBER);
    renames.push([at('', ACLS_MEMBER), at('', OLD_ACLS_MEMBER)]);
  }
  walk({ issues, lenient, maxDepth, renames, segments: [] }, root, '', 0);
  if (lenient) {
    // The ACL type shorthands first, so that an `ipv4` ACL with eth matches is mixed as well.
    normaliseLenientShapes(root, issues);
    mixEthernet(root, issues);
  }
  // Deepest first: a shallower rename then still finds its own prefix.
  renames.sort((a, b) => b[0].length - a[0].length);
  return (path) => {
    let p = path;
    for (const [now, was] of renames) if (p === now || p.startsWith(`${now}/`)) p = was + p.slice(now.length);
    return p;
  };
}

const MIXED: Readonly<Record<string, string>> = {
  'ipv4-acl-type': 'mixed-eth-ipv4-acl-type',
  'ipv6-acl-type': 'mixed-eth-ipv6-acl-type',
};

/**
 * RFC 8519 allows `eth` matches only when an ACL has an Ethernet-derived type. Files that put
 * Ethernet matches in IPv4 or IPv6 ACLs without one get the mixed type on those ACLs.
 */
function mixEthernet(root: JsonObject, issues: Issues): void {
  const acls = root[ACLS_MEMBER];
  if (!isObject(acls) || !Array.isArray(acls.acl)) return;
  const list = acls.acl as unknown[];
  const typeOf = (a: unknown): string | undefined =>
    isObject(a) && typeof a.type === 'string' ? a.type.replace(`${ACL_MODULE}:`, '') : undefined;
  if (list.some((a) => (typeOf(a) ?? '').includes('eth'))) return;
  for (const [i, a] of list.entries()) {
    const t = typeOf(a);
    if (!isObject(a) || t === undefined || MIXED[t] === undefined || !isObject(a.aces) || !Array.isArray(a.aces.ace)) continue;
    if (!a.aces.ace.some((e) => isObject(e) && isObject(e.matches) && 'eth' in e.matches)) continue;
    issues.warn(
      'WARN_MUD_NORMALISED',
      `${at('', ACLS_MEMBER)}/acl/${i}/type`,
      `normalised: ACL type ${t} with eth matches; read as ${MIXED[t]}`,
    );
    a.type = MIXED[t];
  }
}
