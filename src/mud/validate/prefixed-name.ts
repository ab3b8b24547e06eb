/**
 * Member names written with a YANG prefix where RFC 7951 §4 wants the module name
 * ("mudtx:transparency" for "ietf-mud-transparency:transparency"), a pre-RFC shape (pre-rfc.ts).
 */
import { PREFIX_TO_MODULE } from '../model/constants.ts';

// Member names repeat across a file and across files: the answer for each is kept (NOT_PREFIXED
// for a name without a known prefix), up to a bound so that hostile input with many distinct names
// cannot grow the table. The answer depends on the name alone (PREFIX_TO_MODULE is constant), so
// the table is never stale, in any process. The walk asks about every member name, so a known name
// costs one lookup.
const PREFIXED = new Map<string, string>();
const PREFIXED_MAX = 1024;
const NOT_PREFIXED = '';

/** The module-named form of `member` when it is written with a known YANG prefix, otherwise undefined. */
export function prefixedName(member: string): string | undefined {
  let name = PREFIXED.get(member);
  if (name === undefined) {
    const i = member.indexOf(':');
    const prefix = i <= 0 ? '' : member.slice(0, i);
    // Own members only: a prefix such as `constructor` names no module.
    const module = Object.hasOwn(PREFIX_TO_MODULE, prefix) ? PREFIX_TO_MODULE[prefix] : undefined;
    name = module === undefined ? NOT_PREFIXED : `${module}${member.slice(i)}`;
    if (PREFIXED.size < PREFIXED_MAX) PREFIXED.set(member, name);
  }
  return name === NOT_PREFIXED ? undefined : name;
}
