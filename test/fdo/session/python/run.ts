/**
 * Runs the Python cross-checks beside this file: Python's cryptography and cbor2 are independent
 * of node:crypto, OpenSSL's DH groups and IoTopia's CBOR/COSE code. Tests skip, saying why, when
 * they are not installed.
 */
import { join } from 'node:path';
import { pythonMissing, runPythonJson } from '../../../helpers/python.ts';

export const pythonUnavailable = (): string | undefined => pythonMissing(['cryptography', 'cbor2']);

export const runPython = <T = unknown>(script: string, request: unknown): T => runPythonJson<T>(join(import.meta.dirname, script), request);
