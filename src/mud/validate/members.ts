/**
 * Reading JSON objects member by member (RFC 7951 §4 member names): known members are read by the
 * caller, anything else is reported here.
 */
import type { Issues } from './issues.ts';
import { child, type Path } from './path.ts';
import { describeJson, isObject, type JsonObject } from './yang-types.ts';

export function readObject(issues: Issues, v: unknown, path: Path): JsonObject | undefined {
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
  path: Path,
  known: readonly string[],
  other?: (member: string, value: unknown, path: Path) => boolean,
): void {
  for (const k in o) if (!known.includes(k)) unknownMember(issues, o, path, known, k, other);
}

function unknownMember(
  issues: Issues,
  o: JsonObject,
  path: Path,
  known: readonly string[],
  k: string,
  other: ((member: string, value: unknown, path: Path) => boolean) | undefined,
): void {
  const p = child(path, k);
  if (other?.(k, o[k], p)) return;
  issues.error('ERR_MUD_UNKNOWN_MEMBER', p, `${JSON.stringify(k)} is not a member here; expected one of ${known.join(', ')}`);
}

/**
 * checkMembers, then checkChoice for each of two choices of the same object, in one pass over its
 * members: the reports are the same, in the same order (the members' first, then each choice's).
 */
export function checkMembersAndChoices(
  issues: Issues,
  o: JsonObject,
  path: Path,
  known: readonly string[],
  choices: readonly [Choice, Choice],
  other?: (member: string, value: unknown, path: Path) => boolean,
): void {
  const [a, b] = choices;
  let firstA = -1;
  let severalA = false;
  let firstB = -1;
  let severalB = false;
  for (const k in o) {
    const i = a.caseOf.get(k);
    if (i !== undefined && i !== firstA) {
      if (firstA === -1) firstA = i;
      else severalA = true;
    }
    const j = b.caseOf.get(k);
    if (j !== undefined && j !== firstB) {
      if (firstB === -1) firstB = j;
      else severalB = true;
    }
    if (!known.includes(k)) unknownMember(issues, o, path, known, k, other);
  }
  if (severalA) reportChoice(issues, o, path, a);
  if (severalB) reportChoice(issues, o, path, b);
}

/** A choice (RFC 7950 §7.9): its name, its cases' members, and each member's case. */
export interface Choice {
  readonly name: string;
  readonly cases: readonly (readonly string[])[];
  readonly caseOf: ReadonlyMap<string, number>;
}

/** A choice with its member → case table, made once (the readers make theirs at module load). */
export function choice(name: string, cases: readonly (readonly string[])[]): Choice {
  const caseOf = new Map<string, number>();
  for (const [i, c] of cases.entries()) for (const m of c) if (!caseOf.has(m)) caseOf.set(m, i);
  return { name, cases, caseOf };
}

/** Reports a choice with members of more than one case present. */
export function checkChoice(issues: Issues, o: JsonObject, path: Path, c: Choice): void {
  // The members of `o` (a handful) are looked up in the table, rather than each case in `o`.
  let first = -1;
  let several = false;
  for (const k in o) {
    const i = c.caseOf.get(k);
    if (i === undefined || i === first) continue;
    if (first === -1) first = i;
    else several = true;
  }
  if (several) reportChoice(issues, o, path, c);
}

function reportChoice(issues: Issues, o: JsonObject, path: Path, c: Choice): void {
  issues.error(
    'ERR_MUD_CHOICE',
    path,
    `choice ${c.name}: only one of ${c.cases
      .filter((members) => members.some((m) => m in o))
      .map((members) => members.filter((m) => m in o).join('+'))
      .join(' or ')} may be present`,
  );
}
