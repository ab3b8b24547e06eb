/** Big-endian integer helpers shared inside src/crypto; not part of the public API. */

/** `value` as an unsigned big-endian integer of exactly `bytes` bytes (value must fit). */
export function uintBE(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = value;
  for (let k = bytes - 1; k >= 0; k--) {
    out[k] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

/** `value` as big-endian bytes left-padded to `length`; the caller guarantees it fits. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
