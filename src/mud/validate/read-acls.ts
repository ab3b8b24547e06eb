/** Reads `ietf-access-control-list:acls` (RFC 8519 §4.1): ACLs, their ACEs and actions. */
import type { Ace, Acl, Actions } from '../model/acl.ts';
import { ACL_MODULE, ACL_NAME_MAX, ACL_TYPES, type AclType, FORWARDING_ACTIONS, LOG_ACTIONS } from '../model/constants.ts';
import type { ReadContext } from './context.ts';
import { ERR_MUD_TOO_MANY, MudInputError } from './errors.ts';
import { checkMembers, readObject } from './members.ts';
import { child, type Path } from './path.ts';
import { readMatches } from './read-matches.ts';
import { isObject, readIdentity, readList, readString } from './yang-types.ts';

const aclTypeNames = Object.keys(ACL_TYPES) as AclType[];

/** The ACL type written in a raw ACL, if it names a known type (used before the ACLs are read). */
export function rawAclType(acl: unknown): AclType | undefined {
  if (!isObject(acl) || typeof acl.type !== 'string') return undefined;
  const t = acl.type.startsWith(`${ACL_MODULE}:`) ? acl.type.slice(ACL_MODULE.length + 1) : acl.type;
  return (aclTypeNames as string[]).includes(t) ? (t as AclType) : undefined;
}

const ACTIONS_MEMBERS = ['forwarding', 'logging'];

function readActions(ctx: ReadContext, v: unknown, path: Path): Actions | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ACTIONS_MEMBERS);
  if (o.forwarding === undefined) {
    issues.error('ERR_MUD_MISSING', child(path, 'forwarding'), 'forwarding is mandatory');
    return undefined;
  }
  const forwarding = readIdentity(issues, o.forwarding, child(path, 'forwarding'), ACL_MODULE, FORWARDING_ACTIONS);
  const logging = o.logging === undefined ? 'log-none' : readIdentity(issues, o.logging, child(path, 'logging'), ACL_MODULE, LOG_ACTIONS);
  if (forwarding === undefined || logging === undefined) return undefined;
  return { forwarding, logging };
}

const ACE_MEMBERS = ['name', 'matches', 'actions'];

function readAce(ctx: ReadContext, v: unknown, path: Path, aclType: AclType | undefined, names: Set<string>): Ace | undefined {
  const { issues } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ACE_MEMBERS);
  // The mandatory members, in this order, each by name.
  if (o.name === undefined) issues.error('ERR_MUD_MISSING', child(path, 'name'), 'name is mandatory in an ace');
  if (o.actions === undefined) issues.error('ERR_MUD_MISSING', child(path, 'actions'), 'actions is mandatory in an ace');
  const name = o.name === undefined ? undefined : readString(issues, o.name, child(path, 'name'), 1, ACL_NAME_MAX);
  if (name !== undefined) {
    // One lookup per name: the set does not grow when the name is in it already.
    const known = names.size;
    if (names.add(name).size === known)
      issues.error('ERR_MUD_DUPLICATE_NAME', child(path, 'name'), `a second ace named ${JSON.stringify(name)} in this acl`);
  }
  // No matches at all match every packet (RFC 8519 §4.1).
  const matches = o.matches === undefined ? {} : readMatches(ctx, o.matches, child(path, 'matches'), aclType);
  const actions = o.actions === undefined ? undefined : readActions(ctx, o.actions, child(path, 'actions'));
  if (name === undefined || matches === undefined || actions === undefined) return undefined;
  return { name, matches, actions };
}

const ACLS_MEMBERS = ['acl'];
const ACL_MEMBERS = ['name', 'type', 'aces'];
const ACES_MEMBERS = ['ace'];

export function readAcls(ctx: ReadContext, v: unknown, path: Path): Acl[] | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  checkMembers(issues, o, path, ACLS_MEMBERS);
  if (o.acl === undefined) return [];
  if (Array.isArray(o.acl) && o.acl.length > limits.maxAcls)
    throw new MudInputError(ERR_MUD_TOO_MANY, `${o.acl.length} ACLs; at most ${limits.maxAcls} are read`);
  let aces = 0;
  const aclNames = new Set<string>();
  return readList(issues, o.acl, child(path, 'acl'), limits.maxAcls, (x, p) => {
    const a = readObject(issues, x, p);
    if (a === undefined) return undefined;
    checkMembers(issues, a, p, ACL_MEMBERS);
    if (a.name === undefined) issues.error('ERR_MUD_MISSING', child(p, 'name'), 'name is the key of acl');
    const name = a.name === undefined ? undefined : readString(issues, a.name, child(p, 'name'), 1, ACL_NAME_MAX);
    if (name !== undefined) {
      if (aclNames.has(name)) issues.error('ERR_MUD_DUPLICATE_NAME', child(p, 'name'), `a second acl named ${JSON.stringify(name)}`);
      aclNames.add(name);
    }
    const type = a.type === undefined ? undefined : readIdentity(issues, a.type, child(p, 'type'), ACL_MODULE, aclTypeNames);
    const list: Ace[] = [];
    if (a.aces !== undefined) {
      const ao = readObject(issues, a.aces, child(p, 'aces'));
      if (ao !== undefined) {
        checkMembers(issues, ao, child(p, 'aces'), ACES_MEMBERS);
        if (ao.ace !== undefined) {
          aces += Array.isArray(ao.ace) ? ao.ace.length : 0;
          if (aces > limits.maxAces) throw new MudInputError(ERR_MUD_TOO_MANY, `more than ${limits.maxAces} ACEs in the file`);
          const names = new Set<string>();
          const read = readList(issues, ao.ace, child(child(p, 'aces'), 'ace'), limits.maxAces, (e, q) => readAce(ctx, e, q, type, names));
          if (read !== undefined) list.push(...read);
        }
      }
    }
    if (name === undefined) return undefined;
    return type === undefined ? { name, aces: list } : { name, type, aces: list };
  });
}
