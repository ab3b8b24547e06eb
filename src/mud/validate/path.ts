/**
 * Where a value is in the file, as a JSON Pointer (RFC 6901). The readers visit every member but
 * report few, so a step down the tree only records its parent and key (`child`); the pointer text
 * is joined when an issue is reported (`pointer`).
 */

/** A step from a parent location to one of its members or array items. */
export interface PathStep {
  readonly up: Path;
  readonly key: string | number;
}

/** A location: a JSON Pointer already joined, or a step not yet joined. */
export type Path = string | PathStep;

// Member names repeat: each one's escaped reference token, with its leading "/", is kept, up to a
// bound so that hostile input with many distinct names cannot grow the table. A token depends on
// the name alone, so the table is never stale.
const TOKENS = new Map<string, string>();
const TOKENS_MAX = 4096;

/** Appends a member name or array index to a JSON Pointer (RFC 6901 §3 escaping). */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}/${key}`;
  let token = TOKENS.get(key);
  if (token === undefined) {
    token = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (TOKENS.size < TOKENS_MAX) TOKENS.set(key, token);
  }
  return path + token;
}

/** The location of member or item `key` of the value at `path`; nothing is joined yet. */
export const child = (path: Path, key: string | number): PathStep => ({ up: path, key });

/** The JSON Pointer text of a location. */
export function pointer(path: Path): string {
  if (typeof path === 'string') return path;
  // The steps up to the nearest joined pointer, then joined from the top down (no recursion).
  const keys: (string | number)[] = [];
  let p: Path = path;
  while (typeof p !== 'string') {
    keys.push(p.key);
    p = p.up;
  }
  let out = p;
  for (let i = keys.length - 1; i >= 0; i--) out = at(out, keys[i] as string | number);
  return out;
}
