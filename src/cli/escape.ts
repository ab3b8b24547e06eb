/**
 * Terminal-safe text: strings that came from a device, a file, a server or an API user may hold
 * control characters that a terminal obeys (ESC sequences retitle windows or rewrite lines, CR and
 * LF forge whole lines) or bidirectional overrides that reorder what is shown. They are printed as
 * escapes instead: C0 controls (U+0000–U+001F), DEL and C1 controls (U+007F–U+009F) as `\xNN`;
 * the line and paragraph separators U+2028/U+2029 and the bidi controls U+200E/U+200F,
 * U+202A–U+202E and U+2066–U+2069 as `\u{NNNN}`. Everything else, the backslash included, is
 * printed as it is.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same set without LF, for composed text.
const UNSAFE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function escapeOne(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).padStart(4, '0')}}`;
}

/** One value from outside, safe to print on one line: no control character survives, LF included. */
export function escapeText(value: string): string {
  return value.replace(UNSAFE, escapeOne);
}

/**
 * Composed output (lines joined by LF) made safe as a whole: every control character but LF is
 * escaped. A net under `escapeText`, which each value from outside passes first, so a value's LF
 * cannot start a forged line.
 */
export function escapeComposed(text: string): string {
  return text.replace(UNSAFE_BUT_LF, escapeOne);
}

// Characters JSON.stringify leaves raw (it escapes only U+0000–U+001F, `"` and `\`).
const JSON_RAW = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * JSON text with DEL, C1 controls, line separators and bidi controls written as `\uNNNN`: the
 * same data to a JSON reader, nothing a terminal obeys. They can only occur inside strings, so
 * replacing them anywhere in the text is safe.
 */
export function escapeJson(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/**
 * A template tag that escapes every interpolated value: `` esc`model ${model}` ``. Non-strings
 * are turned into strings first.
 */
export function esc(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  for (const [i, v] of values.entries()) out += escapeText(String(v)) + (strings[i + 1] ?? '');
  return out;
}
