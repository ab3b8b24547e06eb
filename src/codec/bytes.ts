/** Byte-array helpers shared by every layer; internal to IoTopia. */
import { timingSafeEqual } from 'node:crypto';

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Equality of public values. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality of secret-dependent values (MAC tags) without a timing side channel on the content. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A plain Uint8Array view of the same memory (no Node Buffer behaviour such as toJSON). */
export function plainView(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array copy that shares no memory (and no pooled Buffer slab) with `bytes`. */
export function plainCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
