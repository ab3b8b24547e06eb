import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VulnError } from './errors.ts';
import { toOsvRecord } from './osv-record.ts';
import { VULN_LIMITS } from './vuln-limits.ts';
import type { OsvRecord } from './vuln-types.ts';

/** Files read at once by readOsvDirectory: enough to hide disk latency, few enough for file handles. */
const READ_CONCURRENCY = 16;

/** One OSV record from JSON bytes (https://ossf.github.io/osv-schema/); `source` names the file in errors. */
export function parseOsvRecord(bytes: Uint8Array, source: string): OsvRecord {
  const value = readOsvJson(bytes, source);
  if (Array.isArray(value)) {
    throw new VulnError('ERR_OSV_SCHEMA', { source, field: '/' }, 'an array of records; one record was expected');
  }
  return toOsvRecord(value, source);
}

/**
 * Every `*.json` file under `dir`, recursively, in path order; a file holds one record or an array
 * of records. Symbolic links are not followed. `limit` bounds the number of records.
 */
export async function readOsvDirectory(dir: string, opts?: { limit?: number }): Promise<OsvRecord[]> {
  const limit = opts?.limit ?? VULN_LIMITS.maxOsvRecords;
  const files = await listJsonFiles(dir);
  const perFile: OsvRecord[][] = new Array(files.length);
  let next = 0;
  let total = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as string;
      const records = await readOsvFile(file);
      total += records.length;
      if (total > limit) throw new VulnError('ERR_OSV_TOO_MANY', { source: file }, `more than ${limit} records under ${dir}`);
      perFile[i] = records;
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return perFile.flat();
}

async function listJsonFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch (cause) {
    throw new VulnError('ERR_OSV_READ', { source: dir }, `cannot list: ${(cause as Error).message}`, { cause });
  }
}

async function readOsvFile(file: string): Promise<OsvRecord[]> {
  let bytes: Uint8Array;
  try {
    const size = (await stat(file)).size;
    if (size > VULN_LIMITS.maxOsvFileBytes) {
      throw new VulnError('ERR_OSV_TOO_LARGE', { source: file }, `${size} bytes, limit ${VULN_LIMITS.maxOsvFileBytes}`);
    }
    bytes = await readFile(file);
  } catch (cause) {
    if (cause instanceof VulnError) throw cause;
    throw new VulnError('ERR_OSV_READ', { source: file }, `cannot read: ${(cause as Error).message}`, { cause });
  }
  const value = readOsvJson(bytes, file);
  return Array.isArray(value) ? value.map((v, i) => toOsvRecord(v, file, i)) : [toOsvRecord(value, file)];
}

function readOsvJson(bytes: Uint8Array, source: string): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('OSV input must be a Uint8Array');
  if (bytes.byteLength > VULN_LIMITS.maxOsvFileBytes) {
    throw new VulnError('ERR_OSV_TOO_LARGE', { source }, `${bytes.byteLength} bytes, limit ${VULN_LIMITS.maxOsvFileBytes}`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new VulnError('ERR_OSV_JSON', { source }, `not UTF-8 JSON: ${(cause as Error).message}`, { cause });
  }
}
