import assert from 'node:assert/strict';
import { CoseError } from '../../../src/codec/cose/errors.ts';

/** Asserts that `fn` throws a CoseError with `code`. */
export function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CoseError, `expected a CoseError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A copy of `bytes` with the byte at `index` changed. */
export function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index]! ^= 0x01;
  return out;
}
