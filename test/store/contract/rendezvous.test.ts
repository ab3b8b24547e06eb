import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, guid, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('rendezvous: put replaces, get returns expired ones too, pages, expired ones removed', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        for (let n = 1; n <= 3; n++) {
          await store.rendezvous.put({
            guid: guid(n),
            to1d: Uint8Array.of(n),
            voucher: Uint8Array.of(n, n),
            expiresAt: new Date(c.now() + n * 1000),
          });
        }
        await store.rendezvous.put({
          guid: guid(1),
          to1d: Uint8Array.of(42),
          voucher: Uint8Array.of(43),
          expiresAt: new Date(c.now() + 500),
        });
        assert.deepEqual(await store.rendezvous.get(guid(1)), {
          guid: guid(1),
          to1d: Uint8Array.of(42),
          voucher: Uint8Array.of(43),
          expiresAt: new Date(c.now() + 500),
        });
        assert.equal(await store.rendezvous.get(guid(9)), undefined);
        const pages = await drain((after) => store.rendezvous.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.guid[15])),
          [[1, 2], [3]],
        );
        c.advance(2000);
        assert.ok(await store.rendezvous.get(guid(1)), 'expiry is the protocol role’s decision');
        assert.equal(await store.rendezvous.deleteExpired(), 2);
        assert.deepEqual(
          (await store.rendezvous.list()).items.map((x) => x.guid[15]),
          [3],
        );
      },
      c.clock,
    );
  });
});
