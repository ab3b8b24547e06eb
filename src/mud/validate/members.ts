/**
 * Reading JSON objects member by member (RFC 7951 §4 member names): known members are read by the
 * caller, anything else is reported here.
 */
import type { Issues } from './issues.ts';
import { child, type Path } from './path.ts';
import { prefixedName } from './prefixed-name.ts';
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
  if (other?.(k, o[k], p)) {
    if (prefixedName(k) !== undefined) issues.prefixedMember = true;
    return;
  }
  issues.error('ERR_MUD_UNKNOWN_MEMBER', p, `${JSON.stringify(k)} is not a member here; expected one of ${known.join(', ')}`);
}

/**
 * The members of an object with two choices among them: for each name, whether it is known and
 * its case in each choice, in one table, so that checkMembersAndChoices looks each member up once.
 */
export interface MembersAndChoices {
  readonly known: readonly string[];
  readonly choices: readonly [Choice, Choice];
  /**
   * For a known member, KNOWN and its index in `known` (bits 17 on); for a member of a choice, its
   * case in the first choice + 1 (bits 0-7) and in the second + 1 (bits 8-15).
   */
  readonly entries: ReadonlyMap<string, number>;
}

const KNOWN = 1 << 16;
const INDEX_SHIFT = 17;
/** Most known members of a table: each has a bit in the mask checkMembersAndChoices returns. */
const KNOWN_MAX = 31;

/** The table of `known` and `choices`, made once (the readers make theirs at module load). */
export function membersAndChoices(known: readonly string[], choices: readonly [Choice, Choice]): MembersAndChoices {
  if (known.length > KNOWN_MAX) throw new RangeError(`at most ${KNOWN_MAX} known members`);
  const entries = new Map<string, number>();
  for (const [i, m] of known.entries()) entries.set(m, KNOWN | (i << INDEX_SHIFT));
  const [a, b] = choices;
  for (const [m, i] of a.caseOf) entries.set(m, (entries.get(m) ?? 0) | (i + 1));
  for (const [m, i] of b.caseOf) entries.set(m, (entries.get(m) ?? 0) | ((i + 1) << 8));
  return { known, choices, entries };
}

/**
 * checkMembers, then checkChoice for each of two choices of the same object, in one pass over its
 * members: the reports are the same, in the same order (the members' first, then each choice's).
 * Returns the known members present, as a mask: bit i for `table.known[i]`.
 */
export function checkMembersAndChoices(
  issues: Issues,
  o: JsonObject,
  path: Path,
  table: MembersAndChoices,
  other?: (member: string, value: unknown, path: Path) => boolean,
): number {
  const { entries, known } = table;
  let present = 0;
  let firstA = -1;
  let severalA = false;
  let firstB = -1;
  let severalB = false;
  for (const k in o) {
    const e = entries.get(k) ?? 0;
    if ((e & KNOWN) === 0) unknownMember(issues, o, path, known, k, other);
    else present |= 1 << (e >>> INDEX_SHIFT);
    const i = (e & 0xff) - 1;
    if (i !== -1 && i !== firstA) {
      if (firstA === -1) firstA = i;
      else severalA = true;
    }
    const j = ((e >> 8) & 0xff) - 1;
    if (j !== -1 && j !== firstB) {
      if (firstB === -1) firstB = j;
      else severalB = true;
    }
  }
  if (severalA) reportChoice(issues, o, path, table.choices[0]);
  if (severalB) reportChoice(issues, o, path, table.choices[1]);
  return present;
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
