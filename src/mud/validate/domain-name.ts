/**
 * inet:domain-name (RFC 6991 §4): its pattern and its length "1..253", checked label by label
 * rather than by the pattern's regular expression, which backtracks over each label's optional
 * part. The pattern, written out: one or more labels separated by ".", an optional final ".", or
 * "." alone; a label is one to 63 characters, the last a letter or digit, the first a letter,
 * digit or "_", the others letters, digits, "-" or "_" (ASCII only).
 */

/** RFC 6991 §4: inet:domain-name is of length 1..253. */
export const DOMAIN_NAME_MAX = 253;
/** RFC 6991 §4 pattern: a label is at most 63 characters (an optional 1 + 61, then 1). */
export const LABEL_MAX = 63;

const DOT = 0x2e;

// The class of each ASCII character in a label: LETTER_DIGIT for [a-zA-Z0-9], INNER for those and
// "-" and "_" (inside a label), FIRST for those and "_" (a label's first character).
const LETTER_DIGIT = 1;
const INNER = 2;
const FIRST = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  CLASS[c] = (alnum ? LETTER_DIGIT | INNER | FIRST : 0) | (c === 0x2d ? INNER : 0) | (c === 0x5f ? INNER | FIRST : 0);
}

/** Whether character `c` (a UTF-16 code unit) is of class `k` (non-ASCII characters are of none). */
const is = (c: number, k: number): boolean => c < 128 && ((CLASS[c] as number) & k) !== 0;

/** The end of a label `s[start, end)` whose characters are checked: 1 to 63 of them, the last [a-zA-Z0-9]. */
function labelEnds(s: string, start: number, end: number): boolean {
  const length = end - start;
  return length >= 1 && length <= LABEL_MAX && is(s.charCodeAt(end - 1), LETTER_DIGIT);
}

/**
 * One pass over the characters: each is checked as the first of its label ([a-zA-Z0-9_]) or as
 * one inside it ([a-zA-Z0-9_-]), and each label's length and last character at its end.
 */
export function isDomainName(s: string): boolean {
  if (s.length < 1 || s.length > DOMAIN_NAME_MAX) return false;
  if (s === '.') return true;
  const end = s.charCodeAt(s.length - 1) === DOT ? s.length - 1 : s.length;
  let start = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (!labelEnds(s, start, i)) return false;
      start = i + 1;
    } else if (!is(c, i === start ? FIRST : INNER)) return false;
  }
  return labelEnds(s, start, end);
}
