/**
 * Reading TO2 session state back from storage. The state is plain JSON with bytes as base64, so
 * any replica (or a device after a restart) can continue; what comes back is checked field by
 * field, and anything unusable is ERR_FDO_TO2_STATE: a storage fault, never the peer's.
 */
import { to2Error } from './to2-errors.ts';

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

const bad = (field: string, why: string) => to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: ${field} ${why}`);

/** Canonical base64 only, so stored state cannot smuggle odd encodings. */
export function bytesField(value: unknown, field: string, length?: number): Uint8Array {
  if (typeof value !== 'string') throw bad(field, 'is not base64 text');
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (b64(bytes) !== value) throw bad(field, 'is not canonical base64');
  if (length !== undefined && bytes.length !== length) throw bad(field, `is not ${length} bytes`);
  return bytes;
}

export function checkState(value: unknown, role: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('state', 'is not an object');
  const s = value as Record<string, unknown>;
  if (s['v'] !== 1 || s['role'] !== role) throw bad('state', `is not version 1 ${role} state`);
  return s;
}
