/**
 * Rewrites one marked section of docs/interop.md. The interop suites run as separate test
 * processes, possibly at the same moment, so the read-modify-write holds a lock file: neither
 * suite's table can overwrite the other's.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const INTEROP_DOC = resolve(import.meta.dirname, '../../docs/interop.md');

const LOCK_WAIT_MS = 10_000;

function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than the wait is left by a killed run; take it over.
      if (Date.now() > until) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Replaces what lies between `<!-- interop:NAME:start -->` and `<!-- interop:NAME:end -->`; true when the file changed. */
export function writeDocSection(name: string, body: string, file = INTEROP_DOC): boolean {
  const start = `<!-- interop:${name}:start -->`;
  const end = `<!-- interop:${name}:end -->`;
  return withLock(file, () => {
    const text = readFileSync(file, 'utf8');
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${file}: the ${name} markers are missing`);
    const next = `${text.slice(0, a + start.length)}\n${body.trim()}\n${text.slice(b)}`;
    if (next === text) return false;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, next);
    renameSync(tmp, file);
    return true;
  });
}
