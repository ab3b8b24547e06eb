import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, guid, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('devices: upsert keeps creation time, onboarding records the replacement GUID, filtered pages', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        for (let n = 1; n <= 4; n++) await store.devices.upsert({ guid: guid(n), state: 'manufactured' });
        c.advance(5000);
        await store.devices.upsert({ guid: guid(1), state: 'owned' });
        const d = await store.devices.get(guid(1));
        assert.equal(d?.state, 'owned');
        assert.equal(d?.createdAt.getTime(), c.now() - 5000);
        assert.equal(d?.updatedAt.getTime(), c.now());
        assert.equal(d?.replacementGuid, undefined);
        await store.devices.markOnboarded(guid(1), guid(100));
        const o = await store.devices.get(guid(1));
        assert.equal(o?.state, 'onboarded');
        assert.deepEqual(o?.replacementGuid, guid(100));
        assert.equal(o?.onboardedAt?.getTime(), c.now());
        assert.equal(o?.mudUrl, undefined);
        await store.devices.markOnboarded(guid(1), guid(100), {
          mudUrl: 'https://mud.example.com/lamp.json',
          sbomUrl: 'https://sbom.example.com/lamp',
          address: '192.0.2.7',
        });
        const info = await store.devices.get(guid(1));
        assert.equal(info?.mudUrl, 'https://mud.example.com/lamp.json');
        assert.equal(info?.sbomUrl, 'https://sbom.example.com/lamp');
        assert.equal(info?.onboardAddress, '192.0.2.7');
        await store.devices.markOnboarded(guid(1), guid(100));
        assert.equal((await store.devices.get(guid(1)))?.mudUrl, undefined, 'a later TO2 replaces what the earlier one learned');
        assert.deepEqual((await store.devices.getByReplacementGuid(guid(100)))?.guid, guid(1));
        assert.equal(await store.devices.getByReplacementGuid(guid(101)), undefined);
        // A TO2 run with the replacement GUID updates the same record; every GUID given is linked to it.
        c.advance(1000);
        await store.devices.markOnboarded(guid(1), guid(101), {}, guid(100));
        for (const g of [guid(100), guid(101)]) assert.deepEqual((await store.devices.getByReplacementGuid(g))?.guid, guid(1));
        assert.deepEqual(
          (await store.devices.listGuidLinks(guid(1))).map((l) => [l.guid[15], l.device[15], l.ranWith[15]]),
          [
            [100, 1, 1],
            [101, 1, 100],
          ],
        );
        assert.equal((await store.devices.getGuidLink(guid(101)))?.createdAt.getTime(), c.now());
        assert.equal(await store.devices.getGuidLink(guid(1)), undefined);
        await store.devices.markOnboarded(guid(2), guid(2));
        assert.deepEqual(await store.devices.listGuidLinks(guid(2)), [], 'Credential Reuse links nothing');
        assert.deepEqual((await store.devices.getByReplacementGuid(guid(2)))?.guid, guid(2));
        await store.devices.upsert({ guid: guid(2), state: 'manufactured' });
        await assert.rejects(store.devices.markOnboarded(guid(9), guid(10)), hasCode('ERR_STORE_NOT_FOUND'));
        assert.equal(await store.devices.getGuidLink(guid(10)), undefined);
        assert.equal(await store.devices.get(guid(9)), undefined);
        const pages = await drain((after) =>
          store.devices.list({ limit: 2, state: 'manufactured', ...(after === undefined ? {} : { after }) }),
        );
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.guid[15])),
          [[2, 3], [4]],
        );
      },
      c.clock,
    );
  });

  test('devices: tags and groups replace per kind, filter lists with the state, and are refused when malformed; active sets activatedAt once', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        for (let n = 1; n <= 5; n++) await store.devices.upsert({ guid: guid(n), state: n <= 3 ? 'onboarded' : 'owned' });
        assert.deepEqual((await store.devices.get(guid(1)))?.tags, []);
        const t = await store.devices.setLabels(guid(1), 'tag', ['lamp', 'floor-2', 'lamp']);
        assert.deepEqual(t.tags, ['floor-2', 'lamp'], 'sorted, each once');
        await store.devices.setLabels(guid(1), 'group', ['canary']);
        await store.devices.setLabels(guid(2), 'group', ['canary']);
        await store.devices.setLabels(guid(4), 'group', ['canary']);
        await store.devices.setLabels(guid(3), 'tag', ['lamp']);
        const one = await store.devices.get(guid(1));
        assert.deepEqual([one?.tags, one?.groups], [['floor-2', 'lamp'], ['canary']]);
        assert.deepEqual((await store.devices.setLabels(guid(1), 'tag', ['lamp'])).tags, ['lamp'], 'replaced');
        const list = async (q: { state?: 'onboarded'; tag?: string; group?: string }) =>
          (await drain((after) => store.devices.list({ limit: 2, ...q, ...(after === undefined ? {} : { after }) })))
            .flat()
            .map((d) => d.guid[15]);
        assert.deepEqual(await list({ group: 'canary' }), [1, 2, 4]);
        assert.deepEqual(await list({ group: 'canary', state: 'onboarded' }), [1, 2]);
        assert.deepEqual(await list({ group: 'canary', tag: 'lamp' }), [1]);
        assert.deepEqual(await list({ tag: 'none' }), []);
        const page = await store.devices.list({ group: 'canary' });
        assert.deepEqual(page.items[0]?.groups, ['canary'], 'lists carry the labels');
        await assert.rejects(store.devices.setLabels(guid(1), 'tag', ['has space']), TypeError);
        await assert.rejects(
          store.devices.setLabels(
            guid(1),
            'tag',
            Array.from({ length: 65 }, (_, i) => `t${i}`),
          ),
          TypeError,
        );
        await assert.rejects(store.devices.setLabels(guid(9), 'tag', ['x']), hasCode('ERR_STORE_NOT_FOUND'));
        assert.deepEqual((await store.devices.get(guid(1)))?.tags, ['lamp'], 'a refused change changes nothing');
        assert.equal((await store.devices.get(guid(1)))?.activatedAt, undefined);
        await store.devices.upsert({ guid: guid(1), state: 'active' });
        const first = c.now();
        c.advance(1000);
        await store.devices.upsert({ guid: guid(1), state: 'suspended' });
        await store.devices.upsert({ guid: guid(1), state: 'active' });
        assert.equal((await store.devices.get(guid(1)))?.activatedAt?.getTime(), first);
      },
      c.clock,
    );
  });
  test('devices: sightings record the last time and address, never go back, leave updatedAt alone, and filter lists', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        for (let n = 1; n <= 3; n++) await store.devices.upsert({ guid: guid(n), state: 'active' });
        const created = (await store.devices.get(guid(1)))?.updatedAt.getTime();
        assert.equal((await store.devices.get(guid(1)))?.lastSeenAt, undefined);
        const t1 = new Date(c.now() + 1000);
        const t2 = new Date(c.now() + 2000);
        await store.devices.recordSightings([
          { guid: guid(1), at: t2, address: '192.0.2.9' },
          { guid: guid(2), at: t1 },
          { guid: guid(9), at: t1, address: '192.0.2.99' },
        ]);
        const one = await store.devices.get(guid(1));
        assert.equal(one?.lastSeenAt?.getTime(), t2.getTime());
        assert.equal(one?.lastSeenAddress, '192.0.2.9');
        assert.equal(one?.updatedAt.getTime(), created, 'a sighting is not a change of the record');
        assert.equal((await store.devices.get(guid(2)))?.lastSeenAddress, undefined);
        assert.equal(await store.devices.get(guid(9)), undefined, 'an unknown device is not created');
        await store.devices.recordSightings([{ guid: guid(1), at: t1, address: '198.51.100.1' }]);
        assert.equal((await store.devices.get(guid(1)))?.lastSeenAddress, '192.0.2.9', 'an older sighting is ignored');
        const last = (r: { items: { guid: Uint8Array }[] }) => r.items.map((d) => d.guid[15]);
        assert.deepEqual(last(await store.devices.list({ seenSince: t2 })), [1]);
        assert.deepEqual(last(await store.devices.list({ seenSince: t1 })), [1, 2]);
        assert.deepEqual(last(await store.devices.list({ seenBefore: t2 })), [2, 3], 'never seen counts as before');
        assert.deepEqual(last(await store.devices.list({ seenBefore: t2, seenSince: t1 })), [2]);
      },
      c.clock,
    );
  });
});
