/** Readers for module message values: a wrong type is the peer's error, ERR_FDO_SVI_VALUE. */
import { Buffer } from 'node:buffer';
import { badValue } from './errors.ts';

export function readBool(v: unknown, key: string): boolean {
  if (typeof v !== 'boolean') throw badValue(`${key} must be a boolean`);
  return v;
}

export function readUint(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw badValue(`${key} must be an unsigned integer`);
  return v;
}

export function readInt(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw badValue(`${key} must be an integer`);
  return v;
}

export function readText(v: unknown, key: string, maxBytes: number): string {
  if (typeof v !== 'string') throw badValue(`${key} must be a text string`);
  if (Buffer.byteLength(v, 'utf8') > maxBytes) throw badValue(`${key} is longer than ${maxBytes} bytes`);
  return v;
}

export function readBytes(v: unknown, key: string, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw badValue(`${key} must be a byte string`);
  if (length !== undefined && v.length !== length) throw badValue(`${key} must be ${length} bytes`);
  return v;
}

export function readNull(v: unknown, key: string): null {
  if (v !== null) throw badValue(`${key} must be null`);
  return null;
}

/** A CBOR map with text keys, as a plain lookup (IoTopia's own module uses text-keyed maps). */
export function readTextMap(v: unknown, key: string): Map<string, unknown> {
  if (!(v instanceof Map)) throw badValue(`${key} must be a map`);
  for (const k of v.keys()) if (typeof k !== 'string') throw badValue(`${key} must have text keys`);
  return v as Map<string, unknown>;
}
