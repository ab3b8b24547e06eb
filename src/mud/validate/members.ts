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

// Each choice's cases as a member → case index table, made once per cases array (the readers pass
// module constants; a WeakMap lets any other array go with its caller).
const CASE_TABLES = new WeakMap<readonly (readonly string[])[], Map<string, number>>();

function caseTable(cases: readonly (readonly string[])[]): Map<string, number> {
  let t = CASE_TABLES.get(cases);
  if (t === undefined) {
    t = new Map();
    for (const [i, c] of cases.entries()) for (const m of c) if (!t.has(m)) t.set(m, i);
    CASE_TABLES.set(cases, t);
  }
  return t;
}

/** Reports a choice (RFC 7950 §7.9) with members of more than one case present. */
export function checkChoice(issues: Issues, o: JsonObject, path: string, choice: string, cases: readonly (readonly string[])[]): void {
  const table = caseTable(cases);
  // The members of `o` (a handful) are looked up in the table, rather than each case in `o`.
  let first = -1;
  let several = false;
  for (const k in o) {
    const c = table.get(k);
    if (c === undefined || c === first) continue;
    if (first === -1) first = c;
    else several = true;
  }
  if (several)
    issues.error(
      'ERR_MUD_CHOICE',
      path,
      `choice ${choice}: only one of ${cases
        .filter((c) => c.some((m) => m in o))
        .map((c) => c.filter((m) => m in o).join('+'))
        .join(' or ')} may be present`,
    );
}
