import type { Page, PageRequest } from './page.ts';

/** Where a payload's bytes live: chunks in the database, or one file in the payload directory. */
export type PayloadLocation = 'database' | 'directory';

/** A stored payload (firmware image, …), known by the SHA-256 of its bytes. */
export interface PayloadRecord {
  /** SHA-256 of the whole payload, lowercase hex. */
  digest: string;
  size: number;
  mediaType: string;
  location: PayloadLocation;
  /** Names the chunks (database) or the file (directory) that hold the bytes. */
  blobId: string;
  chunkSize: number;
  /** The SHA-256 of each chunk in order, 32 bytes each: a read checks every chunk it touches. */
  chunkDigests: Uint8Array;
  createdAt: Date;
}

export type PayloadInput = Omit<PayloadRecord, 'createdAt'>;

/**
 * Payload records and, for payloads kept in the database, their chunks. Chunks are written under
 * a blob id while the upload runs; `create` then records the payload that names them. Chunks no
 * payload names (an upload that failed) are removed with `deleteChunks`.
 */
export interface PayloadRepository {
  putChunk(blobId: string, index: number, bytes: Uint8Array): Promise<void>;
  getChunk(blobId: string, index: number): Promise<Uint8Array | undefined>;
  deleteChunks(blobId: string): Promise<number>;
  /** Blob ids of chunks whose newest was written before `before` (or before written times were kept), at most `limit`. */
  chunkBlobsBefore(before: Date, limit: number): Promise<string[]>;
  /** Of these blob ids, those a payload record names. */
  blobIdsInUse(blobIds: readonly string[]): Promise<Set<string>>;
  /** Throws ERR_STORE_DUPLICATE when a payload with this digest exists. */
  create(p: PayloadInput): Promise<PayloadRecord>;
  get(digest: string): Promise<PayloadRecord | undefined>;
  /** Removes the payload record (its chunks or file stay for the caller); resolves with it, or undefined when none. */
  delete(digest: string): Promise<PayloadRecord | undefined>;
  /** By digest; the chunk digests are left out of listed records (empty). */
  list(page?: PageRequest): Promise<Page<PayloadRecord>>;
}
