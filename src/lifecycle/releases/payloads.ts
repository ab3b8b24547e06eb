/**
 * Payloads (firmware images and other SUIT payloads): uploaded as a stream, split into chunks
 * while the SHA-256 of the whole and of each chunk are computed, written, read back and checked
 * (the write check), then recorded by digest. Every read checks each chunk it touches against the
 * recorded chunk digest, and a read of the whole payload its digest too: a tampered chunk or file
 * fails with ERR_PAYLOAD_CORRUPT and is never handed out.
 */
import { createHash, randomUUID } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { PayloadRecord, PayloadRepository } from '../../store/payload-repository.ts';
import { ReleaseError } from './errors.ts';
import { PAYLOAD_CHUNK_SIZE, type PayloadStorage } from './payload-storage.ts';

/** The largest payload taken by default: 64 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/** The most a single range read returns: 8 MiB. */
export const MAX_RANGE_BYTES = 8 * 1024 * 1024;

const MEDIA_TYPE = /^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}\/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface PayloadDeps {
  payloads: PayloadRepository;
  storage: PayloadStorage;
  maxBytes: number;
}

export interface UploadOptions {
  mediaType?: string;
  /** The SHA-256 (hex) the uploader expects; a payload with another digest is refused and nothing is kept. */
  expectedDigest?: string;
}

export const isSha256Hex = (s: string): boolean => SHA256_HEX.test(s);

/** The payload's bytes in chunks of PAYLOAD_CHUNK_SIZE, whatever sizes the source yields; each byte is copied once. */
async function* rechunk(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let chunk = new Uint8Array(PAYLOAD_CHUNK_SIZE);
  let filled = 0;
  let total = 0;
  for await (const piece of source) {
    total += piece.length;
    if (total > maxBytes) throw new ReleaseError('ERR_PAYLOAD_TOO_LARGE', `a payload is at most ${maxBytes} bytes`);
    for (let at = 0; at < piece.length; ) {
      const n = Math.min(PAYLOAD_CHUNK_SIZE - filled, piece.length - at);
      chunk.set(piece.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === PAYLOAD_CHUNK_SIZE) {
        yield chunk;
        chunk = new Uint8Array(PAYLOAD_CHUNK_SIZE);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}

const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());

function checkOptions(opts: UploadOptions): void {
  if (opts.mediaType !== undefined && !MEDIA_TYPE.test(opts.mediaType))
    throw new ReleaseError('ERR_RELEASE_INPUT', 'the media type is not type/subtype');
  if (opts.expectedDigest !== undefined && !isSha256Hex(opts.expectedDigest))
    throw new ReleaseError('ERR_RELEASE_INPUT', 'the expected digest is not 64 lowercase hex digits');
}

/** Stores a payload; an upload of bytes already stored returns the existing record (`created` false). */
export async function uploadPayload(
  deps: PayloadDeps,
  source: AsyncIterable<Uint8Array>,
  opts: UploadOptions = {},
): Promise<{ payload: PayloadRecord; created: boolean }> {
  checkOptions(opts);
  const blobId = randomUUID();
  const writer = await deps.storage.open(blobId);
  const whole = createHash('sha256');
  const chunkDigests: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of rechunk(source, deps.maxBytes)) {
      whole.update(chunk);
      chunkDigests.push(sha256(chunk));
      await writer.write(chunkDigests.length - 1, chunk);
      size += chunk.length;
    }
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const digest = whole.digest('hex');
  const refuse = async (error: ReleaseError) => {
    await writer.abort();
    throw error;
  };
  if (size === 0) return refuse(new ReleaseError('ERR_PAYLOAD_EMPTY', 'the payload is empty'));
  if (opts.expectedDigest !== undefined && opts.expectedDigest !== digest)
    return refuse(new ReleaseError('ERR_PAYLOAD_DIGEST', `the payload's SHA-256 is ${digest}, not the expected ${opts.expectedDigest}`));
  const existing = await deps.payloads.get(digest);
  if (existing !== undefined) {
    await writer.abort();
    return { payload: existing, created: false };
  }
  await writer.commit();
  const record = {
    digest,
    size,
    mediaType: opts.mediaType ?? 'application/octet-stream',
    location: deps.storage.location,
    blobId,
    chunkSize: PAYLOAD_CHUNK_SIZE,
    chunkDigests: new Uint8Array(Buffer.concat(chunkDigests)),
  };
  return recordChecked(deps, record);
}

/** Reads the stored chunks back before the payload is recorded: what was written is what was hashed. */
async function recordChecked(deps: PayloadDeps, record: Omit<PayloadRecord, 'createdAt'>) {
  try {
    for await (const _ of verifiedChunks(deps, { ...record, createdAt: new Date(0) }, 0, record.size - 1)) {
      // each chunk is checked as it is read
    }
    return { payload: await deps.payloads.create(record), created: true };
  } catch (e) {
    await deps.storage.remove(record.blobId);
    if (e instanceof StoreError && e.code === ERR_STORE_DUPLICATE) {
      const raced = await deps.payloads.get(record.digest);
      if (raced !== undefined) return { payload: raced, created: false };
    }
    throw e;
  }
}

/** The payload's record; ERR_PAYLOAD_NOT_FOUND when none has this digest. */
export async function payloadRecord(payloads: PayloadRepository, digest: string): Promise<PayloadRecord> {
  const p = isSha256Hex(digest) ? await payloads.get(digest) : undefined;
  if (p === undefined) throw new ReleaseError('ERR_PAYLOAD_NOT_FOUND', `no payload with SHA-256 ${digest}`);
  return p;
}

/**
 * The bytes `first`..`last` (inclusive) of a payload, chunk by chunk, each chunk checked before any
 * of it is yielded; a read of the whole payload checks its digest as well before the last chunk.
 */
export async function* verifiedChunks(deps: PayloadDeps, p: PayloadRecord, first: number, last: number): AsyncGenerator<Uint8Array> {
  const whole = first === 0 && last === p.size - 1 ? createHash('sha256') : undefined;
  const from = Math.floor(first / p.chunkSize);
  const to = Math.floor(last / p.chunkSize);
  for (let i = from; i <= to; i++) {
    const offset = i * p.chunkSize;
    const length = Math.min(p.chunkSize, p.size - offset);
    const chunk = await deps.storage.readChunk(p.blobId, i, offset, length);
    const expected = p.chunkDigests.subarray(i * 32, i * 32 + 32);
    if (chunk === undefined || expected.length !== 32 || !bytesEqual(sha256(chunk), expected))
      throw new ReleaseError('ERR_PAYLOAD_CORRUPT', `chunk ${i} of payload ${p.digest} is missing or does not match its digest`);
    whole?.update(chunk);
    if (i === to && whole !== undefined && whole.digest('hex') !== p.digest)
      throw new ReleaseError('ERR_PAYLOAD_CORRUPT', `payload ${p.digest} does not match its digest`);
    yield chunk.subarray(i === from ? first - offset : 0, i === to ? last - offset + 1 : length);
  }
}

export interface PayloadRange {
  bytes: Uint8Array;
  /** The first and last byte offsets returned, inclusive (as HTTP Content-Range has them). */
  start: number;
  end: number;
  size: number;
  /** The strong entity tag of the payload: its SHA-256, quoted (RFC 9110 §8.8.3). */
  etag: string;
  mediaType: string;
}

/**
 * A byte range of a payload for a download: `start` from 0, `end` inclusive (default: the last
 * byte, capped at MAX_RANGE_BYTES from start). ERR_PAYLOAD_RANGE for a range outside the payload.
 */
export async function readPayloadRange(deps: PayloadDeps, digest: string, start = 0, end?: number): Promise<PayloadRange> {
  const p = await payloadRecord(deps.payloads, digest);
  const last = Math.min(end ?? p.size - 1, p.size - 1, start + MAX_RANGE_BYTES - 1);
  if (!Number.isSafeInteger(start) || start < 0 || start >= p.size || (end !== undefined && (!Number.isSafeInteger(end) || end < start)))
    throw new ReleaseError('ERR_PAYLOAD_RANGE', `range ${start}-${end ?? ''} is not within the payload's ${p.size} bytes`);
  const parts: Uint8Array[] = [];
  for await (const c of verifiedChunks(deps, p, start, last)) parts.push(c);
  return { bytes: new Uint8Array(Buffer.concat(parts)), start, end: last, size: p.size, etag: `"${p.digest}"`, mediaType: p.mediaType };
}

export interface PayloadStream extends Omit<PayloadRange, 'bytes'> {
  /** The range's bytes, chunk by chunk, each checked before it is yielded. */
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * A byte range of a payload as a stream, for the device API's download: `start` from 0, `end`
 * inclusive (default: the last byte), with no cap, holding one chunk at a time. The first chunk is
 * read and checked before this resolves, so a payload corrupt at its start is refused before an
 * answer begins; a later chunk that fails its check ends the stream with ERR_PAYLOAD_CORRUPT (the
 * answer stops short of its length; altered bytes are never handed out). ERR_PAYLOAD_RANGE for a
 * range outside the payload.
 */
export async function streamPayloadRange(deps: PayloadDeps, digest: string, start = 0, end?: number): Promise<PayloadStream> {
  const p = await payloadRecord(deps.payloads, digest);
  if (!Number.isSafeInteger(start) || start < 0 || start >= p.size || (end !== undefined && (!Number.isSafeInteger(end) || end < start)))
    throw new ReleaseError('ERR_PAYLOAD_RANGE', `range ${start}-${end ?? ''} is not within the payload's ${p.size} bytes`);
  const last = Math.min(end ?? p.size - 1, p.size - 1);
  const all = verifiedChunks(deps, p, start, last);
  const first = await all.next();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (first.done === true) return;
    yield first.value;
    yield* all;
  }
  return { chunks: chunks(), start, end: last, size: p.size, etag: `"${p.digest}"`, mediaType: p.mediaType };
}
