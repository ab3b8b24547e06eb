import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PAYLOAD_CHUNK_SIZE } from '../../../src/lifecycle/releases/payload-storage.ts';
import { readPayloadRange, uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import type { PayloadStorageConfig } from '../../../src/lifecycle/releases/service.ts';
import { tempDirs } from '../../helpers/temp.ts';
import { image, pieces, releaseFixture } from './fixture.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, String(e));
  return true;
};
const dirs = tempDirs('iotopia-payloads-');

for (const kind of ['database', 'directory'] as const) {
  describe(`payloads kept in the ${kind}`, () => {
    const config = (): PayloadStorageConfig => (kind === 'database' ? { kind } : { kind, dir: dirs() });

    test('an upload in uneven pieces is chunked, hashed and read back byte for byte; the same bytes again are not stored twice', async () => {
      const f = await releaseFixture(config());
      try {
        const bytes = image(2 * PAYLOAD_CHUNK_SIZE + 12_345);
        const { payload, created } = await uploadPayload(f.service.payloads, pieces(bytes, 77_777), {
          mediaType: 'application/x-firmware',
        });
        assert.equal(created, true);
        assert.deepEqual(
          [payload.digest, payload.size, payload.location, payload.chunkSize],
          [sha(bytes), bytes.length, kind, PAYLOAD_CHUNK_SIZE],
        );
        assert.equal(payload.chunkDigests.length, 3 * 32);
        const whole = await readPayloadRange(f.service.payloads, payload.digest);
        assert.ok(Buffer.from(whole.bytes).equals(Buffer.from(bytes)));
        assert.deepEqual(
          [whole.start, whole.end, whole.size, whole.etag, whole.mediaType],
          [0, bytes.length - 1, bytes.length, `"${sha(bytes)}"`, 'application/x-firmware'],
        );
        // A range across a chunk boundary, and an open range from inside the last chunk.
        const mid = await readPayloadRange(f.service.payloads, payload.digest, PAYLOAD_CHUNK_SIZE - 5, PAYLOAD_CHUNK_SIZE + 4);
        assert.deepEqual(mid.bytes, bytes.subarray(PAYLOAD_CHUNK_SIZE - 5, PAYLOAD_CHUNK_SIZE + 5));
        const tail = await readPayloadRange(f.service.payloads, payload.digest, bytes.length - 3);
        assert.deepEqual([tail.bytes, tail.end], [bytes.subarray(bytes.length - 3), bytes.length - 1]);
        await assert.rejects(readPayloadRange(f.service.payloads, payload.digest, bytes.length), code('ERR_PAYLOAD_RANGE'));
        await assert.rejects(readPayloadRange(f.service.payloads, payload.digest, 10, 9), code('ERR_PAYLOAD_RANGE'));
        await assert.rejects(readPayloadRange(f.service.payloads, 'ab'.repeat(32)), code('ERR_PAYLOAD_NOT_FOUND'));
        const again = await uploadPayload(f.service.payloads, pieces(bytes));
        assert.deepEqual([again.created, again.payload.blobId], [false, payload.blobId]);
        assert.equal((await f.store.payloads.list()).items.length, 1);
      } finally {
        await f.close();
      }
    });

    test('too large, empty, or not the expected digest: refused and nothing kept', async () => {
      const cfg = config();
      const f = await releaseFixture(cfg);
      try {
        const big = image(2 * 1024 * 1024 + 1);
        await assert.rejects(uploadPayload(f.service.payloads, pieces(big, 100_000)), code('ERR_PAYLOAD_TOO_LARGE'));
        await assert.rejects(uploadPayload(f.service.payloads, pieces(new Uint8Array(0))), code('ERR_PAYLOAD_EMPTY'));
        const bytes = image(1000);
        await assert.rejects(
          uploadPayload(f.service.payloads, pieces(bytes), { expectedDigest: sha(image(10)) }),
          code('ERR_PAYLOAD_DIGEST'),
        );
        await assert.rejects(uploadPayload(f.service.payloads, pieces(bytes), { mediaType: 'not a type' }), code('ERR_RELEASE_INPUT'));
        assert.equal((await f.store.payloads.list()).items.length, 0);
        if (cfg.kind === 'directory') assert.deepEqual(readdirSync(cfg.dir), []);
        const ok = await uploadPayload(f.service.payloads, pieces(bytes), { expectedDigest: sha(bytes) });
        assert.equal(ok.payload.digest, sha(bytes));
      } finally {
        await f.close();
      }
    });

    test('a tampered chunk is detected on read and never handed out; other chunks still read', async () => {
      const cfg = config();
      const f = await releaseFixture(cfg);
      try {
        const bytes = image(PAYLOAD_CHUNK_SIZE + 1000);
        const { payload } = await uploadPayload(f.service.payloads, pieces(bytes));
        if (cfg.kind === 'database') {
          const chunk1 = await f.store.payloads.getChunk(payload.blobId, 1);
          assert.ok(chunk1 !== undefined);
          const first = await f.store.payloads.getChunk(payload.blobId, 0);
          assert.ok(first !== undefined);
          await f.store.payloads.deleteChunks(payload.blobId);
          await f.store.payloads.putChunk(payload.blobId, 0, first);
          const flipped = new Uint8Array(chunk1);
          flipped[17] = (flipped[17] ?? 0) ^ 1;
          await f.store.payloads.putChunk(payload.blobId, 1, flipped);
        } else {
          const path = join(cfg.dir, payload.blobId);
          const file = new Uint8Array(readFileSync(path));
          file[PAYLOAD_CHUNK_SIZE + 17] = (file[PAYLOAD_CHUNK_SIZE + 17] ?? 0) ^ 1;
          writeFileSync(path, file);
        }
        await assert.rejects(readPayloadRange(f.service.payloads, payload.digest), code('ERR_PAYLOAD_CORRUPT'));
        await assert.rejects(readPayloadRange(f.service.payloads, payload.digest, PAYLOAD_CHUNK_SIZE + 1), code('ERR_PAYLOAD_CORRUPT'));
        const head = await readPayloadRange(f.service.payloads, payload.digest, 0, 99);
        assert.deepEqual(head.bytes, bytes.subarray(0, 100));
      } finally {
        await f.close();
      }
    });

    test('a missing or truncated blob is detected on read', async () => {
      const cfg = config();
      const f = await releaseFixture(cfg);
      try {
        const bytes = image(5000);
        const { payload } = await uploadPayload(f.service.payloads, pieces(bytes));
        if (cfg.kind === 'database') await f.store.payloads.deleteChunks(payload.blobId);
        else writeFileSync(join(cfg.dir, payload.blobId), bytes.subarray(0, 4999));
        await assert.rejects(readPayloadRange(f.service.payloads, payload.digest), code('ERR_PAYLOAD_CORRUPT'));
      } finally {
        await f.close();
      }
    });
  });
}
