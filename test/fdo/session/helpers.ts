/** Shared pieces of the session tests: byte helpers and FdoError assertions. */
import assert from 'node:assert/strict';
import { FdoError } from '../../../src/fdo/errors.ts';

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
