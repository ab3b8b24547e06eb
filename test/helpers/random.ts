/**
 * Random sources for tests: reproducible byte streams for protocol runs, fixed bytes for known
 * answers, and a seeded number generator for fuzzing and generated inputs.
 */
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

/** A small seeded number generator (xorshift32 over a 32-bit state): the same seed gives the same run. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}
