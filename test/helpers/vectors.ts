import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared/vectors` beside the project root: independent test vectors, read in place. */
export const VECTORS_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vectors');

/**
 * The path of a vector folder, or undefined when the shared vectors are absent. Tests that get
 * undefined skip only their vector cases, and say so through `vectorsMissing`.
 */
export function vectorPath(...parts: string[]): string | undefined {
  const p = join(VECTORS_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

export const vectorsMissing = (what: string): string =>
  `shared test vectors not found at ${join(VECTORS_DIR, what)}; these cases are skipped`;
