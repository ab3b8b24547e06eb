import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseInput } from '../../../src/store/release-repository.ts';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, movableClock, withStore } from './shared.ts';

const digestHex = (n: number) => n.toString(16).padStart(64, '0');

const release = (id: string, model: string, version: string, seq: number): ReleaseInput => ({
  id,
  model,
  version,
  sequenceNumber: seq,
  components: [{ id: 'firmware', digest: digestHex(seq), size: 10 + seq }],
  envelope: Uint8Array.of(0xd8, 0x6b, seq & 0xff, 0, 255),
  state: 'published',
  origin: 'signed',
});

forEachDialect((make) => {
  test('payloads: chunks kept by blob id and index, records by digest, duplicates refused, paged', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const all = new Uint8Array(256).map((_, i) => i);
        await store.payloads.putChunk('blob-1', 0, all);
        await store.payloads.putChunk('blob-1', 1, Uint8Array.of(9));
        await assert.rejects(store.payloads.putChunk('blob-1', 1, Uint8Array.of(8)));
        assert.deepEqual(await store.payloads.getChunk('blob-1', 0), all);
        assert.deepEqual(await store.payloads.getChunk('blob-1', 1), Uint8Array.of(9));
        assert.equal(await store.payloads.getChunk('blob-1', 2), undefined);
        const p = {
          digest: digestHex(2),
          size: 257,
          mediaType: 'application/octet-stream',
          location: 'database' as const,
          blobId: 'blob-1',
          chunkSize: 256,
          chunkDigests: new Uint8Array(64).fill(3),
        };
        const made = await store.payloads.create(p);
        assert.equal(made.createdAt.getTime(), c.now());
        await assert.rejects(store.payloads.create({ ...p, blobId: 'blob-2' }), hasCode('ERR_STORE_DUPLICATE'));
        const got = await store.payloads.get(digestHex(2));
        assert.deepEqual(got, { ...p, createdAt: new Date(c.now()) });
        assert.equal(await store.payloads.get(digestHex(3)), undefined);
        await store.payloads.create({ ...p, digest: digestHex(1), location: 'directory', blobId: 'file-1' });
        await store.payloads.create({ ...p, digest: digestHex(3), blobId: 'blob-3' });
        const pages = await drain((after) => store.payloads.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((ps) => ps.map((x) => [x.digest, x.location])),
          [
            [
              [digestHex(1), 'directory'],
              [digestHex(2), 'database'],
            ],
            [[digestHex(3), 'database']],
          ],
        );
        // Blobs by the time their newest chunk was written; which of them a payload names.
        c.advance(60_000);
        await store.payloads.putChunk('orphan', 0, Uint8Array.of(1));
        const before = new Date(c.now());
        c.advance(1);
        await store.payloads.putChunk('young', 0, Uint8Array.of(1));
        assert.deepEqual(await store.payloads.chunkBlobsBefore(before, 10), ['blob-1']);
        assert.deepEqual(await store.payloads.chunkBlobsBefore(new Date(c.now() + 1), 10), ['blob-1', 'orphan', 'young']);
        assert.deepEqual(await store.payloads.chunkBlobsBefore(new Date(c.now() + 1), 2), ['blob-1', 'orphan']);
        assert.deepEqual([...(await store.payloads.blobIdsInUse(['blob-1', 'orphan', 'file-1']))].sort(), ['blob-1', 'file-1']);
        assert.deepEqual([...(await store.payloads.blobIdsInUse([]))], []);
        // Deleting a record leaves the chunks to the caller.
        const deleted = await store.payloads.delete(digestHex(3));
        assert.equal(deleted?.blobId, 'blob-3');
        assert.equal(await store.payloads.get(digestHex(3)), undefined);
        assert.equal(await store.payloads.delete(digestHex(3)), undefined);
        assert.deepEqual(await store.payloads.getChunk('blob-1', 0), all);
        assert.equal(await store.payloads.deleteChunks('blob-1'), 2);
        assert.equal(await store.payloads.getChunk('blob-1', 0), undefined);
        assert.equal(await store.payloads.deleteChunks('blob-1'), 0);
      },
      c.clock,
    );
  });

  test('releases: model + version and model + sequence number unique, latest sequence, filters, state changes', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        assert.equal(await store.releases.latestSequence('bulb'), undefined);
        const a = await store.releases.create({ ...release('r-a', 'bulb', '1.0.0', 5), sbomRef: 'https://sbom.example/bulb-1.0.0' });
        assert.equal(a.envelopeSize, 5);
        assert.match(a.envelopeDigest, /^[0-9a-f]{64}$/);
        assert.equal(a.sbomRef, 'https://sbom.example/bulb-1.0.0');
        await assert.rejects(store.releases.create(release('r-b', 'bulb', '1.0.0', 6)), hasCode('ERR_STORE_DUPLICATE'));
        await assert.rejects(store.releases.create(release('r-b', 'bulb', '1.0.1', 5)), hasCode('ERR_STORE_DUPLICATE'));
        await assert.rejects(store.releases.create(release('r-a', 'plug', '1.0.0', 1)), hasCode('ERR_STORE_DUPLICATE'));
        // Sequence numbers beyond 32 bits keep their value.
        await store.releases.create(release('r-c', 'bulb', '2.0.0', 2 ** 40));
        await store.releases.create({
          ...release('r-d', 'plug', '1.0.0', 5),
          state: 'draft',
          origin: 'imported',
          vendorDomain: 'vendor.example',
        });
        assert.equal(await store.releases.latestSequence('bulb'), 2 ** 40);
        assert.equal(await store.releases.latestSequence('plug'), 5);
        const full = await store.releases.get('r-c');
        assert.deepEqual(full?.envelope, release('r-c', 'bulb', '2.0.0', 2 ** 40).envelope);
        assert.deepEqual(full?.components, [{ id: 'firmware', digest: digestHex(2 ** 40), size: 10 + 2 ** 40 }]);
        const plug = await store.releases.getByVersion('plug', '1.0.0');
        assert.deepEqual([plug?.origin, plug?.vendorDomain, full?.vendorDomain], ['imported', 'vendor.example', undefined]);
        assert.equal(await store.releases.getByVersion('plug', '9'), undefined);
        // Which releases name a payload, in any state.
        await store.releases.setState('r-d', 'retired');
        assert.deepEqual(await store.releases.namingPayload(digestHex(5), 10), ['r-a', 'r-d']);
        assert.deepEqual(await store.releases.namingPayload(digestHex(5), 1), ['r-a']);
        assert.deepEqual(await store.releases.namingPayload(digestHex(6), 10), []);
        assert.deepEqual(await store.releases.namingPayload('%', 10), []);
        await store.releases.setState('r-d', 'draft');
        const ids = async (r: Parameters<typeof store.releases.list>[0]) => (await store.releases.list(r)).items.map((x) => x.id);
        assert.deepEqual(await ids({}), ['r-a', 'r-c', 'r-d']);
        assert.deepEqual(await ids({ model: 'bulb' }), ['r-a', 'r-c']);
        assert.deepEqual(await ids({ state: 'draft' }), ['r-d']);
        const pages = await drain((after) => store.releases.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 1],
        );
        assert.ok(pages.flat().every((x) => !('envelope' in x)));
        c.advance(1000);
        const retired = await store.releases.setState('r-a', 'retired');
        assert.equal(retired?.state, 'retired');
        assert.equal(retired?.updatedAt.getTime(), c.now());
        assert.equal(await store.releases.setState('nope', 'retired'), undefined);
        // Retired releases still count for anti-rollback.
        await store.releases.setState('r-c', 'retired');
        assert.equal(await store.releases.latestSequence('bulb'), 2 ** 40);
      },
      c.clock,
    );
  });
});
