/** Shared pieces of the session tests: a seeded random stream and byte helpers. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FdoError } from '../../../src/fdo/errors.ts';

/** A deterministic byte stream: SHA-256(seed || counter) blocks, for reproducible sessions. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) {
      const block = createHash('sha256').update(seed).update(String(counter++)).digest();
      const next = new Uint8Array(pool.length + block.length);
      next.set(pool);
      next.set(block, pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

/** A random source that replays fixed bytes (for known answers) and fails when exhausted. */
export function fixedRandom(...chunks: Uint8Array[]): (n: number) => Uint8Array {
  const queue = [...chunks];
  return (n) => {
    const next = queue.shift();
    if (next === undefined || next.length !== n) throw new Error(`fixedRandom: asked for ${n} bytes, had ${next?.length ?? 'none'}`);
    return next;
  };
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** Asserts that `fn` throws an FdoError with `code` and spec code `fdoCode`. */
export function assertFdoError(fn: () => unknown, code: string, fdoCode: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FdoError, `expected FdoError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.fdoCode, fdoCode);
    return true;
  });
}
