import { IotopiaError } from '../../errors.ts';

/**
 * The input could not be read as a MUD file at all: not JSON, or beyond the reader's limits.
 * Problems inside a readable file are reported as a list instead (see `parseMud`).
 */
export class MudInputError extends IotopiaError {}

/** `ERR_MUD_JSON`: the input is not UTF-8 JSON text. */
export const ERR_MUD_JSON = 'ERR_MUD_JSON';
/** `ERR_MUD_TOO_LARGE`: the input is longer than `maxBytes`. */
export const ERR_MUD_TOO_LARGE = 'ERR_MUD_TOO_LARGE';
/** `ERR_MUD_TOO_DEEP`: arrays and objects nest deeper than `maxDepth`. */
export const ERR_MUD_TOO_DEEP = 'ERR_MUD_TOO_DEEP';
/** `ERR_MUD_TOO_MANY`: more ACLs, ACEs, policy entries or list items than the limits allow. */
export const ERR_MUD_TOO_MANY = 'ERR_MUD_TOO_MANY';
