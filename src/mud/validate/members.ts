/**
 * Reading JSON objects member by member (RFC 7951 §4 member names): known members are read by the
 * caller, anything else is reported here.
 */
import { at, type Issues } from './issues.ts';
import { describeJson, isObject, type JsonObject } from './yang-types.ts';

export function readObject(issues: Issues, v: unknown, path: string): JsonObject | undefined {
  if (!isObject(v)) {
    issues.error('ERR_MUD_TYPE', path, `expected an object, found ${describeJson(v)}`);
    return undefined;
  }
  return v;
}

/** The module of a qualified member name (`module:name`), or undefined for a simple name. */
export function moduleOf(member: string): string | undefined {
  const i = member.indexOf(':');
  return i > 0 ? member.slice(0, i) : undefined;
}

/**
 * Reports members that are neither in `known` nor accepted by `other` (which handles members
 * from other modules, and returns false for those it does not know either).
 */
export function checkMembers(
  issues: Issues,
  o: JsonObject,
  path: string,
  known: readonly string[],
  other?: (member: string, value: unknown, path: string) => boolean,
): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const p = at(path, k);
    if (other?.(k, o[k], p)) continue;
    issues.error('ERR_MUD_UNKNOWN_MEMBER', p, `${JSON.stringify(k)} is not a member here; expected one of ${known.join(', ')}`);
  }
}

/** Reports a choice (RFC 7950 §7.9) with members of more than one case present. */
export function checkChoice(issues: Issues, o: JsonObject, path: string, choice: string, cases: readonly (readonly string[])[]): void {
  let present = 0;
  for (const c of cases) if (anyIn(c, o)) present++;
  if (present > 1)
    issues.error(
      'ERR_MUD_CHOICE',
      path,
      `choice ${choice}: only one of ${cases
        .filter((c) => anyIn(c, o))
        .map((c) => c.filter((m) => m in o).join('+'))
        .join(' or ')} may be present`,
    );
}

function anyIn(members: readonly string[], o: JsonObject): boolean {
  for (const m of members) if (m in o) return true;
  return false;
}
