/**
 * Where payload bytes live. Both kinds take a payload in fixed-size chunks under a blob id while
 * it is uploaded, and read one chunk back by index; checking what is read is payloads.ts's job.
 */
import type { PayloadLocation } from '../../store/payload-repository.ts';

/** The chunks of one upload: kept with `commit`, dropped with `abort`. */
export interface BlobWriter {
  write(index: number, chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface PayloadStorage {
  readonly location: PayloadLocation;
  open(blobId: string): Promise<BlobWriter>;
  /** Chunk `index` of `length` bytes at `offset`, or undefined when it is missing or short. */
  readChunk(blobId: string, index: number, offset: number, length: number): Promise<Uint8Array | undefined>;
  /** Removes a committed blob that no payload record names (a duplicate upload). */
  remove(blobId: string): Promise<void>;
}

/** The chunk size payloads are split into: 256 KiB. */
export const PAYLOAD_CHUNK_SIZE = 256 * 1024;
