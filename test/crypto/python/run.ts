/**
 * Runs the Python cross-check scripts beside this file. Python's `cryptography` package is an
 * independent implementation; tests that use it skip, saying why, when it is not installed.
 */
import { join } from 'node:path';
import { pythonMissing, runPythonJson } from '../../helpers/python.ts';

/** Undefined when python3 with `cryptography` can run; otherwise the reason it cannot. */
export const pythonUnavailable = (): string | undefined => pythonMissing(['cryptography']);

/** Runs test/crypto/python/<script> with a JSON request on stdin and returns its JSON reply. */
export const runPython = <T = unknown>(script: string, request: unknown): T => runPythonJson<T>(join(import.meta.dirname, script), request);

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
