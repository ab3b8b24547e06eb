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
  /** Removes a blob, committed or not (a duplicate upload, a deleted payload, an orphan). */
  remove(blobId: string): Promise<void>;
  /** Blob ids whose bytes were last written before `before`, payload or not, at most `limit`. */
  blobsBefore(before: Date, limit: number): Promise<string[]>;
}

/** The chunk size payloads are split into: 256 KiB. */
export const PAYLOAD_CHUNK_SIZE = 256 * 1024;
