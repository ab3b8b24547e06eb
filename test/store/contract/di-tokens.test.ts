import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import { forEachDialect } from './dialects.ts';
import { drain, guid, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('DI tokens: stored by hash, unique, revoked once, paged', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const expiresAt = new Date(c.now() + 3_600_000);
        const made = await store.diTokens.create({ id: 'd1', name: 'line 1', secretHash: hashSecret('s1'), maxDevices: 5, expiresAt });
        await store.diTokens.create({ id: 'd2', name: 'line 2', secretHash: hashSecret('s2') });
        const expected = {
          id: 'd1',
          name: 'line 1',
          secretHash: hashSecret('s1'),
          maxDevices: 5,
          used: 0,
          expiresAt,
          createdAt: new Date(c.now()),
        };
        assert.deepEqual(made, expected);
        assert.deepEqual(await store.diTokens.findBySecretHash(hashSecret('s1')), expected);
        assert.deepEqual(await store.diTokens.get('d2'), {
          id: 'd2',
          name: 'line 2',
          secretHash: hashSecret('s2'),
          used: 0,
          createdAt: new Date(c.now()),
        });
        await assert.rejects(store.diTokens.create({ id: 'd3', name: 'x', secretHash: hashSecret('s1') }), hasCode('ERR_STORE_DUPLICATE'));
        await assert.rejects(store.diTokens.create({ id: 'd1', name: 'x', secretHash: 'other' }), hasCode('ERR_STORE_DUPLICATE'));
        c.advance(1000);
        await store.diTokens.revoke('d2');
        c.advance(1000);
        await store.diTokens.revoke('d2');
        assert.equal((await store.diTokens.get('d2'))?.revokedAt?.getTime(), c.now() - 1000);
        await assert.rejects(store.diTokens.revoke('d9'), hasCode('ERR_STORE_NOT_FOUND'));
        const pages = await drain((after) => store.diTokens.list({ limit: 1, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.id)),
          [['d1'], ['d2']],
        );
      },
      c.clock,
    );
  });

  test('DI tokens: a use is taken only while the token is live, not expired and not used up', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const now = () => new Date(c.now());
        await store.diTokens.create({ id: 'two', name: 'n', secretHash: 'h2', maxDevices: 2 });
        assert.equal((await store.diTokens.consume('h2', now()))?.used, 1);
        assert.equal((await store.diTokens.consume('h2', now()))?.used, 2);
        assert.equal(await store.diTokens.consume('h2', now()), undefined, 'a third use of a two-device token');
        assert.equal((await store.diTokens.get('two'))?.used, 2);

        await store.diTokens.create({ id: 'exp', name: 'n', secretHash: 'he', expiresAt: new Date(c.now() + 1000) });
        assert.equal((await store.diTokens.consume('he', now()))?.used, 1);
        c.advance(1000);
        assert.equal(await store.diTokens.consume('he', now()), undefined, 'at its expiry time the token is spent');

        await store.diTokens.create({ id: 'rev', name: 'n', secretHash: 'hr' });
        await store.diTokens.revoke('rev');
        assert.equal(await store.diTokens.consume('hr', now()), undefined);
        assert.equal((await store.diTokens.get('rev'))?.used, 0);
        assert.equal(await store.diTokens.consume('unknown', now()), undefined);
      },
      c.clock,
    );
  });

  test('DI tokens: ten concurrent uses of a three-device token take exactly three', async () => {
    await withStore(make, async (store) => {
      await store.diTokens.create({ id: 'three', name: 'n', secretHash: 'h3', maxDevices: 3 });
      const results = await Promise.all(Array.from({ length: 10 }, () => store.diTokens.consume('h3', new Date())));
      assert.equal(results.filter((r) => r !== undefined).length, 3);
      assert.equal((await store.diTokens.get('three'))?.used, 3);
    });
  });

  test('vouchers: the manufacturer copy records how its DI was authorised', async () => {
    await withStore(make, async (store) => {
      const put = await store.vouchers.put({
        side: 'manufacturer',
        guid: guid(1),
        voucher: new Uint8Array([1]),
        state: 'created',
        diAuthorisedBy: 'token:abc',
      });
      assert.equal(put.diAuthorisedBy, 'token:abc');
      await store.vouchers.put({ side: 'manufacturer', guid: guid(2), voucher: new Uint8Array([2]), state: 'created' });
      assert.equal((await store.vouchers.get('manufacturer', guid(2)))?.diAuthorisedBy, undefined);
      assert.equal((await store.vouchers.list('manufacturer')).items[0]?.diAuthorisedBy, 'token:abc');
    });
  });
});
