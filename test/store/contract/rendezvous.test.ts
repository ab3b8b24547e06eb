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

  test('rendezvous: putIf replaces only the registration it was checked against, or none while one is live', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const reg = (n: number) => ({
          guid: guid(5),
          to1d: Uint8Array.of(n),
          voucher: Uint8Array.of(n, n),
          expiresAt: new Date(c.now() + 1000),
        });
        const now = () => new Date(c.now());
        const held = async () => (await store.rendezvous.get(guid(5)))?.to1d[0];
        assert.equal(await store.rendezvous.putIf(reg(1), undefined, now()), true, 'none held');
        assert.equal(await store.rendezvous.putIf(reg(2), undefined, now()), false, 'one is live');
        assert.equal(await held(), 1);
        const checked = await store.rendezvous.get(guid(5));
        assert.equal(await store.rendezvous.putIf(reg(3), checked, now()), true, 'still the one checked');
        assert.equal(await store.rendezvous.putIf(reg(4), checked, now()), false, 'another came in between');
        assert.deepEqual(await store.rendezvous.get(guid(5)), reg(3));
        c.advance(1000);
        assert.equal(await store.rendezvous.putIf(reg(5), undefined, now()), true, 'the held one ran out');
        assert.equal(await held(), 5);
        const [a, b] = await Promise.all([store.rendezvous.putIf(reg(6), reg(5), now()), store.rendezvous.putIf(reg(7), reg(5), now())]);
        assert.equal(Number(a) + Number(b), 1, 'of two racing on the same registration, one wins');
      },
      c.clock,
    );
  });
});
