/**
 * Limits of the MUD reader. A MUD file describes one device: real files have a few hundred ACEs
 * at most, so these bounds leave room while keeping a hostile file from costing much.
 */
import { ERR_MUD_JSON, ERR_MUD_TOO_DEEP, ERR_MUD_TOO_LARGE, MudInputError } from './errors.ts';

export interface MudLimits {
  /** Most bytes of JSON text. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects (a MUD file needs about 12). */
  maxDepth: number;
  /** Most ACLs in the file. */
  maxAcls: number;
  /** Most ACEs in all ACLs together. */
  maxAces: number;
  /** Most entries in any other list or leaf-list (policy references, extensions, profiles). */
  maxListItems: number;
}

export const DEFAULT_MUD_LIMITS: Readonly<MudLimits> = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxAcls: 1024,
  maxAces: 16_384,
  maxListItems: 4096,
};

/**
 * The deepest nesting of arrays and objects (counted as checkDepth counts it) in a file the readers
 * read without any issue: an ACE's matches/ietf-acl-tls:client-profiles/tls-dtls-profile/<profile>/
 * cipher-suite (and the like), 12 levels from the top. The readers visit only the members they
 * know, and warn about what they keep unread, so a file read without an issue nests no deeper.
 */
export const READ_DEPTH_MAX = 12;

/**
 * Parses JSON text within the size limit, then checks the nesting depth without recursion
 * (JSON.parse itself does not recurse), so that no later recursive step meets a deep value.
 */
export function parseJsonWithLimits(input: string | Uint8Array, limits: MudLimits): unknown {
  const value = parseJsonText(input, limits);
  checkDepth(value, limits.maxDepth);
  return value;
}

/**
 * Parses JSON text within the size limit only. The caller owes the depth check before any
 * recursive step: checkDepth, or a first walk that counts the depth itself (pre-rfc.ts).
 */
export function parseJsonText(input: string | Uint8Array, limits: MudLimits): unknown {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > limits.maxBytes) throw new MudInputError(ERR_MUD_TOO_LARGE, `the input is longer than ${limits.maxBytes} bytes`);
    text = input;
  } else {
    if (input.byteLength > limits.maxBytes) throw new MudInputError(ERR_MUD_TOO_LARGE, `the input is longer than ${limits.maxBytes} bytes`);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new MudInputError(ERR_MUD_JSON, 'the input is not UTF-8 text');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new MudInputError(ERR_MUD_JSON, `not JSON: ${(e as Error).message}`);
  }
  return value;
}

/** The error of a value nested deeper than `max`: the same whichever check finds it. */
export const tooDeep = (max: number): MudInputError => new MudInputError(ERR_MUD_TOO_DEEP, `arrays and objects nest deeper than ${max}`);

/** Fails when arrays and objects nest deeper than `max`; iterative, so any depth is safe to check. */
export function checkDepth(value: unknown, max: number): void {
  // Two parallel stacks rather than a pair per value: this runs over every node of the file.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const d = depths.pop() as number;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) throw tooDeep(max);
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x !== 'object' || x === null) continue;
        values.push(x);
        depths.push(d + 1);
      }
    } else {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x !== 'object' || x === null) continue;
        values.push(x);
        depths.push(d + 1);
      }
    }
  }
}
