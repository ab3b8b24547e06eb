/** Random sources for tests: reproducible streams for protocol runs, fixed bytes for known answers. */
import { createHash, randomBytes } from 'node:crypto';
import type { RandomSource } from '../../src/fdo/protocol/ports.ts';

/**
 * A reproducible byte stream: SHA-256 in counter mode over a seed. Each call starts a new block,
 * so a run's bytes depend only on the seed and the sizes asked for, in order.
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; filled += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - filled)), filled);
    }
    return out;
  };
}

/** A random source that replays fixed bytes (for known answers) and fails when exhausted. */
export function fixedRandom(...chunks: Uint8Array[]): RandomSource {
  const queue = [...chunks];
  return (n) => {
    const next = queue.shift();
    if (next === undefined || next.length !== n) throw new Error(`fixedRandom: asked for ${n} bytes, had ${next?.length ?? 'none'}`);
    return next;
  };
}

/** The system's random bytes, for tests whose outcome must not depend on them. */
export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));
