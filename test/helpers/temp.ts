/** Temporary directories that a test file makes and that are removed when its tests are over. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A maker of fresh directories named `prefix` (then `name`, when given), all removed after the
 * tests of the suite being defined. Call it while defining tests, not inside one: it adds a hook.
 */
export function tempDirs(prefix: string): (name?: string) => string {
  const made: string[] = [];
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (name = '') => {
    const d = mkdtempSync(join(tmpdir(), `${prefix}${name}`));
    made.push(d);
    return d;
  };
}

/** One fresh directory named `prefix…`, removed after the tests of the suite being defined. */
export const tempDir = (prefix: string): string => tempDirs(prefix)();
