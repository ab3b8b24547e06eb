/** FDO 1.1 §3.3.8 Guid: 16 random bytes that name a device across every protocol. */
import { randomBytes } from 'node:crypto';
import { asBstr, messageBodyError } from './read.ts';

export type Guid = Uint8Array;

export const GUID_BYTES = 16;

export function parseGuid(v: unknown, where: string): Guid {
  return asBstr(v, where, { min: GUID_BYTES, max: GUID_BYTES });
}

/** A fresh GUID; `random` is injectable so protocol code stays deterministic under test. */
export function generateGuid(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): Guid {
  const g = random(GUID_BYTES);
  if (g.length !== GUID_BYTES) throw new TypeError(`random source returned ${g.length} bytes, not ${GUID_BYTES}`);
  return g;
}

/** Lower-case hex, the form IoTopia uses in logs, file names and the management API. */
export function guidToHex(guid: Guid): string {
  return Buffer.from(guid).toString('hex');
}

/** The 8-4-4-4-12 UUID text form of the same 16 bytes, for display next to other tools. */
export function guidToUuid(guid: Guid): string {
  const h = guidToHex(guid);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Parses 32 hex digits, with or without UUID dashes. */
export function guidFromText(text: string): Guid {
  const clean = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(clean)) throw messageBodyError('Guid', `${JSON.stringify(text)} is not 16 bytes of hex`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
