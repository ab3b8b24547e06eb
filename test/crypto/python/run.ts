/**
 * Runs the Python cross-check scripts beside this file. Python's `cryptography` package is an
 * independent implementation; tests that use it skip, saying why, when it is not installed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

let availability: string | undefined | null = null;

/** Undefined when python3 with `cryptography` can run; otherwise the reason it cannot. */
export function pythonUnavailable(): string | undefined {
  if (availability === null) {
    const r = spawnSync('python3', ['-c', 'import cryptography, sys; sys.stdout.write(cryptography.__version__)'], { encoding: 'utf8' });
    availability = r.error
      ? `python3 with cryptography not available: ${r.error.message}`
      : r.status !== 0
        ? `python3 with cryptography not available: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`
        : undefined;
  }
  return availability;
}

/** Runs test/crypto/python/<script> with a JSON request on stdin and returns its JSON reply. */
export function runPython<T = unknown>(script: string, request: unknown): T {
  const r = spawnSync('python3', [join(import.meta.dirname, script)], { input: JSON.stringify(request), encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
