import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { deletePayload } from '../../../src/lifecycle/releases/payload-delete.ts';
import { ORPHAN_AGE_MS, sweepOrphanPayloads } from '../../../src/lifecycle/releases/payload-sweep.ts';
import { readPayloadRange, uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createRelease, setReleaseState } from '../../../src/lifecycle/releases/releases.ts';
import type { PayloadStorageConfig } from '../../../src/lifecycle/releases/service.ts';
import { tempDirs } from '../../helpers/temp.ts';
import { image, pieces, releaseFixture } from './fixture.ts';

const ACTOR = 'token:ops';
const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, String(e));
  return true;
};
const dirs = tempDirs('iotopia-payload-delete-');
const later = (ms: number) => new Date(Date.now() + ms);

for (const kind of ['database', 'directory'] as const) {
  describe(`payloads kept in the ${kind}`, () => {
    const config = (): PayloadStorageConfig => (kind === 'database' ? { kind } : { kind, dir: dirs() });

    test('delete: refused while a release (even retired) names the payload; otherwise record and bytes go, audited', async () => {
      const f = await releaseFixture(config());
      try {
        const p = f.service.payloads;
        const named = (await uploadPayload(p, pieces(image(3000)))).payload;
        const loose = (await uploadPayload(p, pieces(image(300_000)))).payload;
        const release = await createRelease(
          f.service.releases,
          {
            model: 'bulb-x1',
            version: '1.0.0',
            sequenceNumber: 1,
            components: [{ id: 'firmware', digest: named.digest, size: named.size }],
          },
          ACTOR,
        );
        await setReleaseState(f.store, release.id, 'retired', ACTOR);
        await assert.rejects(deletePayload(f.store, p, named.digest, ACTOR), (e: Error) => {
          code('ERR_PAYLOAD_IN_USE')(e);
          assert.match(e.message, new RegExp(release.id));
          return true;
        });
        assert.equal((await readPayloadRange(p, named.digest)).size, 3000, 'kept, and still readable');

        const gone = await deletePayload(f.store, p, loose.digest, ACTOR);
        assert.equal(gone.digest, loose.digest);
        assert.equal(await f.store.payloads.get(loose.digest), undefined);
        await assert.rejects(readPayloadRange(p, loose.digest), code('ERR_PAYLOAD_NOT_FOUND'));
        assert.ok(!(await p.storage.blobsBefore(later(ORPHAN_AGE_MS * 10), 100)).includes(loose.blobId), 'its bytes are gone');
        const audit = (await f.store.audit.list({ subject: loose.digest })).items.at(-1);
        assert.deepEqual([audit?.action, audit?.actor, audit?.details.size], ['payload.deleted', ACTOR, 300_000]);
        await assert.rejects(deletePayload(f.store, p, loose.digest, ACTOR), code('ERR_PAYLOAD_NOT_FOUND'));
        await assert.rejects(deletePayload(f.store, p, 'not a digest', ACTOR), code('ERR_PAYLOAD_NOT_FOUND'));
        // Uploaded again after the delete: stored afresh.
        assert.equal((await uploadPayload(p, pieces(image(10)))).created, true);
      } finally {
        await f.close();
      }
    });

    test('sweep: bytes no payload names are removed once old, never young ones nor those of a payload', async () => {
      const f = await releaseFixture(config());
      try {
        const p = f.service.payloads;
        const kept = (await uploadPayload(p, pieces(image(5000)))).payload;
        // A crash after the bytes were written and before the payload was recorded, and one mid-write.
        const crashed = randomUUID();
        const w = await p.storage.open(crashed);
        await w.write(0, image(1000));
        await w.commit();
        const midWrite = randomUUID();
        await (await p.storage.open(midWrite)).write(0, image(1000));

        const logged: { removed: number; blobIds: string[] }[] = [];
        const log = (fields: { removed: number; blobIds: string[] }) => void logged.push(fields);
        assert.deepEqual(await sweepOrphanPayloads(p, { log }), [], 'young bytes may be an upload still running');
        assert.equal(logged.length, 0);
        const swept = await sweepOrphanPayloads(p, { now: later(ORPHAN_AGE_MS + 60_000), log });
        assert.deepEqual(swept.sort(), [crashed, midWrite].sort());
        assert.deepEqual(
          logged.map((l) => l.removed),
          [2],
        );
        assert.deepEqual(await p.storage.blobsBefore(later(ORPHAN_AGE_MS * 10), 100), [kept.blobId]);
        assert.equal((await readPayloadRange(p, kept.digest)).size, 5000);
        assert.deepEqual(await sweepOrphanPayloads(p, { now: later(ORPHAN_AGE_MS + 60_000) }), [], 'nothing twice');
      } finally {
        await f.close();
      }
    });
  });
}
