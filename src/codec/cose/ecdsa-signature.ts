/**
 * COSE's ECDSA signature form, IEEE P1363 r||s (RFC 9053 §2.1), to and from the DER
 * Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2.3) that node:crypto signs and
 * verifies with a bare KeyObject: an options object asking node for r||s makes it prepare the key
 * anew on every call.
 */

/**
 * Where the contents octets of a non-negative INTEGER (X.690 §8.3) start in the unsigned big-endian
 * octets `from`..`to` of `signature`: leading zeros dropped (one kept for zero).
 */
function integerStart(signature: Uint8Array, from: number, to: number): number {
  let start = from;
  while (start < to - 1 && signature[start] === 0) start++;
  return start;
}

/** Writes one INTEGER (tag, length, a 0x00 before a set high bit, magnitude) at `at`; returns the offset after it. */
function writeInteger(out: Buffer, at: number, signature: Uint8Array, start: number, to: number): number {
  const pad = ((signature[start] as number) & 0x80) !== 0 ? 1 : 0;
  out[at] = 0x02;
  out[at + 1] = to - start + pad;
  let o = at + 2;
  if (pad === 1) out[o++] = 0;
  for (let i = start; i < to; i++) out[o++] = signature[i] as number;
  return o;
}

// One buffer for the DER signatures that a verification hands to node:crypto and drops on return
// (the longest, P-521's, is 139 octets).
const scratch = Buffer.alloc(160);
// Its views by length, each made once: a signature of each length then costs no new Buffer.
const scratchViews: (Buffer | undefined)[] = [];

function scratchOf(length: number): Buffer {
  let view = scratchViews[length];
  if (view === undefined) {
    view = scratch.subarray(0, length);
    scratchViews[length] = view;
  }
  return view;
}

/**
 * The DER Ecdsa-Sig-Value of an r||s signature, built in one allocation: it runs before every ECDSA
 * verification of a COSE signature, so node:crypto gets a bare KeyObject and a DER signature.
 * `transient`: written into a buffer the next transient call reuses, for a verification that is done
 * with it at once.
 */
export function p1363ToDerSignature(signature: Uint8Array, transient = false): Buffer {
  if (signature.length === 0 || signature.length % 2 !== 0) throw new TypeError('an ECDSA r||s signature has an even, non-zero length');
  const half = signature.length / 2;
  const r = integerStart(signature, 0, half);
  const s = integerStart(signature, half, 2 * half);
  const rLen = half - r + (((signature[r] as number) & 0x80) !== 0 ? 1 : 0);
  const sLen = 2 * half - s + (((signature[s] as number) & 0x80) !== 0 ? 1 : 0);
  // Each INTEGER is below 128 octets (P-521 needs 67), so its length fits one octet (X.690 §8.1.3.4).
  const body = 4 + rLen + sLen;
  const head = body < 0x80 ? 2 : 3;
  // Every octet is written below: the bytes may come from node's buffer pool, or the scratch buffer.
  const out = transient && head + body <= scratch.length ? scratchOf(head + body) : Buffer.allocUnsafe(head + body);
  out[0] = 0x30;
  if (head === 2) out[1] = body;
  else {
    out[1] = 0x81;
    out[2] = body;
  }
  writeInteger(out, writeInteger(out, head, signature, r, half), signature, s, 2 * half);
  return out;
}

/** One DER INTEGER at `at`, checked to be positive, minimal and at most `size` octets once its sign octet is dropped. */
function readPositiveInteger(der: Uint8Array, at: number, size: number): { value: Uint8Array; next: number } {
  if (der[at] !== 0x02) throw new TypeError('an Ecdsa-Sig-Value member is not an INTEGER');
  const len = der[at + 1];
  if (len === undefined || len === 0 || len >= 0x80 || at + 2 + len > der.length)
    throw new TypeError('an Ecdsa-Sig-Value INTEGER has a bad length');
  const body = der.subarray(at + 2, at + 2 + len);
  const first = body[0] as number;
  if (first & 0x80) throw new TypeError('an Ecdsa-Sig-Value INTEGER is negative');
  if (len > 1 && first === 0 && ((body[1] as number) & 0x80) === 0)
    throw new TypeError('an Ecdsa-Sig-Value INTEGER is not in the fewest octets');
  const value = first === 0 && len > 1 ? body.subarray(1) : body;
  if (value.length > size) throw new TypeError('an Ecdsa-Sig-Value INTEGER is larger than the curve order');
  return { value, next: at + 2 + len };
}

/**
 * The DER Ecdsa-Sig-Value (RFC 5480 §2.2.3) that node:crypto signs with, as the fixed-size r||s of
 * IEEE P1363 that COSE carries (RFC 9053 §2.1): each of r and s left-padded to `size` octets. Strict:
 * one SEQUENCE spanning the input with a short-form length, two positive minimal INTEGERs, nothing after.
 */
export function derToP1363Signature(der: Uint8Array, size: number): Buffer {
  let at = 2;
  if (der[0] !== 0x30) throw new TypeError('an Ecdsa-Sig-Value is not a SEQUENCE');
  let body = der[1] ?? 0;
  if (body === 0x81) {
    body = der[2] ?? 0;
    if (body < 0x80) throw new TypeError('an Ecdsa-Sig-Value length is not in the fewest octets');
    at = 3;
  } else if (body >= 0x80) throw new TypeError('an Ecdsa-Sig-Value has a bad length');
  if (at + body !== der.length) throw new TypeError('an Ecdsa-Sig-Value does not span its input');
  const r = readPositiveInteger(der, at, size);
  const s = readPositiveInteger(der, r.next, size);
  if (s.next !== der.length) throw new TypeError('bytes follow the Ecdsa-Sig-Value INTEGERs');
  const out = Buffer.alloc(2 * size);
  out.set(r.value, size - r.value.length);
  out.set(s.value, 2 * size - s.value.length);
  return out;
}
