/** SHA-384 of what a sink or source holds, read back in pieces. */
import { createHash } from 'node:crypto';

const PIECE = 64 * 1024;

export async function sha384Of(read: (offset: number, length: number) => Promise<Uint8Array>, length: number): Promise<Uint8Array> {
  const hash = createHash('sha384');
  for (let at = 0; at < length; ) {
    const piece = await read(at, Math.min(PIECE, length - at));
    if (piece.length === 0) throw new Error(`read back ended at ${at} of ${length} bytes`);
    hash.update(piece);
    at += piece.length;
  }
  return new Uint8Array(hash.digest());
}
