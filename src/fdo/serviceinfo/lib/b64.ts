/** Bytes kept in session state are base64 text, so that state survives JSON and any database. */
import { Buffer } from 'node:buffer';

export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function fromB64(text: string): Uint8Array {
  const b = Buffer.from(text, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}
