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
 * Parses JSON text after checking its size and nesting depth without recursion, so that no
 * input reaches JSON.parse that could exhaust the stack.
 */
export function parseJsonWithLimits(input: string | Uint8Array, limits: MudLimits): unknown {
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
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limits.maxDepth)
        throw new MudInputError(ERR_MUD_TOO_DEEP, `arrays and objects nest deeper than ${limits.maxDepth} at offset ${i}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new MudInputError(ERR_MUD_JSON, `not JSON: ${(e as Error).message}`);
  }
}
