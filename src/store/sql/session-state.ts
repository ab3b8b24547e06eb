/**
 * How a protocol session's state is kept in `sessions.state` (docs/decisions/0030-sessions-without-claim.md).
 * TO2 states hold the owner's key exchange secret and then the session keys: they are sealed
 * (AES-GCM, bound to the row by the token hash). DI, TO0 and TO1 states hold only values their
 * peer already saw (GUID, OVHeader, device certificate chain, nonces): they are kept as JSON text,
 * which is cheaper. A stored JSON text always starts with `{`, a sealed value with the secret box's
 * version byte, so reading needs no extra column. A plain state is accepted only for the protocols
 * whose states are public, so a row rewritten by hand cannot pass a TO2 state unsealed.
 */
import type { SecretBox } from '../secret-box.ts';
import { sessionStateContext } from './seal-contexts.ts';

/** The `protocol` of the role states that hold no secret. */
const PUBLIC_STATE_PROTOCOLS: ReadonlySet<string> = new Set(['di-manufacturer', 'to0-rendezvous', 'to1-rendezvous']);

/** The first byte of every JSON object text. */
const OPEN_BRACE = 0x7b;

const isPublicState = (state: unknown): boolean =>
  typeof state === 'object' && state !== null && PUBLIC_STATE_PROTOCOLS.has(String((state as { protocol?: unknown }).protocol));

const utf8 = (state: unknown) => Buffer.from(JSON.stringify(state ?? null), 'utf8');

/** The bytes stored for `state` in the row of `tokenHash`. */
export function encodeSessionState(box: SecretBox, tokenHash: string, state: unknown): Uint8Array {
  return isPublicState(state) ? utf8(state) : box.seal(utf8(state), sessionStateContext(tokenHash));
}

/** The state stored in the row of `tokenHash`; throws when it is neither sealed for this row nor a public state. */
export function decodeSessionState(box: SecretBox, tokenHash: string, stored: Uint8Array): unknown {
  if (stored[0] !== OPEN_BRACE) return JSON.parse(Buffer.from(box.open(stored, sessionStateContext(tokenHash))).toString('utf8'));
  const state: unknown = JSON.parse(Buffer.from(stored).toString('utf8'));
  if (!isPublicState(state)) throw new TypeError('a session state stored unsealed must be a DI, TO0 or TO1 state');
  return state;
}

/** Whether the stored bytes are sealed (re-sealing under a new key leaves plain states alone). */
export const isSealedState = (stored: Uint8Array): boolean => stored[0] !== OPEN_BRACE;
