/** Byte helpers for the session code; internal. */

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Decodes canonical base64; anything else is undefined, so stored state cannot smuggle odd encodings. */
export function unb64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  return b64(bytes) === text ? bytes : undefined;
}

export function u16(value: number): Uint8Array {
  return new Uint8Array([(value >>> 8) & 0xff, value & 0xff]);
}

export function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Draws `length` bytes and checks the source kept its contract. */
export function draw(random: (n: number) => Uint8Array, length: number): Uint8Array {
  if (typeof random !== 'function') throw new TypeError('random must be a function (length) => Uint8Array');
  const out = random(length);
  if (!(out instanceof Uint8Array) || out.length !== length) throw new TypeError(`random(${length}) must return ${length} bytes`);
  return new Uint8Array(out);
}
