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
  for (const [k, v] of Object.entries(o)) {
    if (known.includes(k)) continue;
    if (other?.(k, v, at(path, k))) continue;
    issues.error('ERR_MUD_UNKNOWN_MEMBER', at(path, k), `${JSON.stringify(k)} is not a member here; expected one of ${known.join(', ')}`);
  }
}

/** Reports a choice (RFC 7950 §7.9) with members of more than one case present. */
export function checkChoice(issues: Issues, o: JsonObject, path: string, choice: string, cases: readonly (readonly string[])[]): void {
  const present = cases.filter((c) => c.some((m) => m in o));
  if (present.length > 1)
    issues.error(
      'ERR_MUD_CHOICE',
      path,
      `choice ${choice}: only one of ${present.map((c) => c.filter((m) => m in o).join('+')).join(' or ')} may be present`,
    );
}
