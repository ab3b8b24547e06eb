/**
 * A minimal DER writer (ITU-T X.690 §8 and §10) for the few types X.509 templates need: definite
 * lengths in the fewest octets, INTEGER in the fewest two's-complement octets, and the tags below.
 * Internal to src/crypto.
 */

/** Universal tags (X.680 §8.4) and the context-specific constructed tags X.509 uses. */
export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** X.690 §10.1: the definite form, in the fewest octets. */
function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV whose contents are `parts` concatenated. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const len = lengthOctets(size);
  const out = new Uint8Array(1 + len.length + size);
  out[0] = tag;
  out.set(len, 1);
  let at = 1 + len.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(DerTag.SEQUENCE, ...parts);

/** A context-specific constructed tag [n] (EXPLICIT tagging). */
export const explicit = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);

/** X.690 §8.3: a non-negative INTEGER from its unsigned big-endian octets, in the fewest octets. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.subarray(start);
  const pad = body.length === 0 || (body[0] as number) & 0x80 ? Uint8Array.of(0) : new Uint8Array(0);
  return tlv(DerTag.INTEGER, pad, body.length === 0 ? new Uint8Array(0) : body);
}

/** X.690 §8.19: an OBJECT IDENTIFIER from its dotted form. */
export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new TypeError(`not an object identifier: ${dotted}`);
  const values = [(arcs[0] as bigint) * 40n + (arcs[1] as bigint), ...arcs.slice(2)];
  const out: number[] = [];
  for (const v of values) {
    const septets: number[] = [Number(v & 0x7fn)];
    for (let rest = v >> 7n; rest > 0n; rest >>= 7n) septets.unshift(Number(rest & 0x7fn) | 0x80);
    out.push(...septets);
  }
  return tlv(DerTag.OBJECT_IDENTIFIER, Uint8Array.from(out));
}

/** X.690 §11.1: DER encodes TRUE as 0xFF. */
export const booleanTrue = (): Uint8Array => Uint8Array.of(DerTag.BOOLEAN, 1, 0xff);

export const octetString = (value: Uint8Array): Uint8Array => tlv(DerTag.OCTET_STRING, value);

/** A BIT STRING of whole octets (no unused bits). */
export const bitString = (value: Uint8Array): Uint8Array => tlv(DerTag.BIT_STRING, Uint8Array.of(0), value);

export const utf8String = (text: string): Uint8Array => tlv(DerTag.UTF8String, new Uint8Array(Buffer.from(text, 'utf8')));

const two = (n: number) => String(n).padStart(2, '0');

/**
 * RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for the years 1950 to 2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) from 2050; seconds always present, never fractions.
 */
export function x509Time(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  const text = y < 2050 ? `${two(y % 100)}${rest}` : `${String(y).padStart(4, '0')}${rest}`;
  return tlv(y < 2050 ? DerTag.UTCTime : DerTag.GeneralizedTime, new Uint8Array(Buffer.from(text, 'latin1')));
}
