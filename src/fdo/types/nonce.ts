/** FDO 1.1 §3.3.7 Nonce: 16 random bytes binding a response to its challenge. */
import { randomBytes } from 'node:crypto';
import { asBstr } from './read.ts';

export type Nonce = Uint8Array;

export const NONCE_BYTES = 16;

export function parseNonce(v: unknown, where: string): Nonce {
  return asBstr(v, where, { min: NONCE_BYTES, max: NONCE_BYTES });
}

/** A fresh nonce; `random` is injectable so protocol code stays deterministic under test. */
export function generateNonce(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): Nonce {
  const n = random(NONCE_BYTES);
  if (n.length !== NONCE_BYTES) throw new TypeError(`random source returned ${n.length} bytes, not ${NONCE_BYTES}`);
  return n;
}
