import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, guid, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('vouchers: put, get, replace, state, sides apart, pagination in GUID order', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        for (const n of [5, 3, 1, 4, 2])
          await store.vouchers.put({ side: 'owner', guid: guid(n), voucher: Uint8Array.of(n), state: 'imported' });
        await store.vouchers.put({ side: 'manufacturer', guid: guid(1), voucher: Uint8Array.of(99), state: 'created' });
        const v = await store.vouchers.get('owner', guid(1));
        assert.ok(v);
        assert.equal(v.voucher.constructor, Uint8Array);
        assert.deepEqual(v.voucher, Uint8Array.of(1));
        assert.deepEqual(v.guid, guid(1));
        assert.equal(v.createdAt.getTime(), c.now());
        assert.deepEqual((await store.vouchers.get('manufacturer', guid(1)))?.voucher, Uint8Array.of(99));
        assert.equal(await store.vouchers.get('owner', guid(9)), undefined);

        c.advance(1000);
        await store.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(11), state: 'registered' });
        const replaced = await store.vouchers.get('owner', guid(1));
        assert.deepEqual(replaced?.voucher, Uint8Array.of(11));
        assert.equal(replaced?.state, 'registered');
        assert.equal(replaced?.createdAt.getTime(), c.now() - 1000);
        assert.equal(replaced?.updatedAt.getTime(), c.now());

        await store.vouchers.setState('owner', guid(2), 'onboarded');
        assert.equal((await store.vouchers.get('owner', guid(2)))?.state, 'onboarded');
        await assert.rejects(store.vouchers.setState('owner', guid(9), 'onboarded'), hasCode('ERR_STORE_NOT_FOUND'));

        const pages = await drain((after) => store.vouchers.list('owner', { limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.guid[15])),
          [[1, 2], [3, 4], [5]],
        );
        const imported = await store.vouchers.list('owner', { state: 'imported' });
        assert.deepEqual(
          imported.items.map((x) => x.guid[15]),
          [3, 4, 5],
        );
        assert.equal(imported.next, undefined);
        assert.equal((await store.vouchers.list('manufacturer')).items.length, 1);
        await assert.rejects(store.vouchers.list('owner', { after: '%%%' }), hasCode('ERR_STORE_CURSOR'));

        await store.vouchers.setRegisteredUntil('owner', guid(3), new Date(c.now() + 1000));
        await store.vouchers.setRegisteredUntil('owner', guid(4), new Date(c.now() + 9000));
        await assert.rejects(store.vouchers.setRegisteredUntil('owner', guid(9), new Date()), hasCode('ERR_STORE_NOT_FOUND'));
        assert.deepEqual((await store.vouchers.get('owner', guid(3)))?.registeredUntil, new Date(c.now() + 1000));
        assert.deepEqual(
          (await store.vouchers.list('owner', { registeredBefore: new Date(c.now() + 5000) })).items.map((x) => x.guid[15]),
          [3],
        );
        await store.vouchers.put({ side: 'owner', guid: guid(3), voucher: Uint8Array.of(33), state: 'imported' });
        assert.equal((await store.vouchers.get('owner', guid(3)))?.registeredUntil, undefined, 'new bytes are not registered yet');
        await assert.rejects(store.vouchers.list('owner', { limit: 0 }), TypeError);
      },
      c.clock,
    );
  });
});
