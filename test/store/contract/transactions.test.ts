import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/store/store.ts';
import { forEachDialect } from './dialects.ts';
import { guid, hasCode, hex, KEK, withStore } from './shared.ts';

forEachDialect((make) => {
  test('transactions: commit together, or on a throw leave nothing behind', async () => {
    await withStore(make, async (store) => {
      const value = await store.transaction(async (r) => {
        await r.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(1), state: 'imported' });
        await r.devices.upsert({ guid: guid(1), state: 'owned' });
        await r.audit.append({ actor: 'test', action: 'voucher.imported', subject: hex(guid(1)) });
        return 'done';
      });
      assert.equal(value, 'done');
      const boom = new Error('boom');
      await assert.rejects(
        store.transaction(async (r) => {
          await r.vouchers.put({ side: 'owner', guid: guid(2), voucher: Uint8Array.of(2), state: 'imported' });
          await r.vouchers.setState('owner', guid(1), 'onboarded');
          await r.devices.upsert({ guid: guid(2), state: 'owned' });
          await r.keys.create({ name: 'k', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(2) });
          await r.sessions.create('tok', { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(Date.now() + 9e6) });
          await r.apiTokens.create({ id: 'x', name: 'x', roles: [], secretHash: 'x' });
          await r.rendezvous.put({ guid: guid(2), to1d: Uint8Array.of(1), voucher: Uint8Array.of(1), expiresAt: new Date() });
          await r.audit.append({ actor: 'test', action: 'voucher.imported', subject: hex(guid(2)) });
          assert.ok(await r.vouchers.get('owner', guid(2)), 'the transaction sees its own writes');
          throw boom;
        }),
        (e) => e === boom,
      );
      assert.equal(await store.vouchers.get('owner', guid(2)), undefined);
      assert.equal((await store.vouchers.get('owner', guid(1)))?.state, 'imported');
      assert.equal(await store.devices.get(guid(2)), undefined);
      assert.equal(await store.keys.get('k'), undefined);
      assert.equal(await store.sessions.get('tok'), undefined);
      assert.equal(await store.apiTokens.get('x'), undefined);
      assert.equal(await store.rendezvous.get(guid(2)), undefined);
      assert.equal((await store.audit.list()).items.length, 1);
      // A failed statement inside a transaction rolls the whole transaction back too.
      await assert.rejects(
        store.transaction(async (r) => {
          await r.devices.upsert({ guid: guid(3), state: 'owned' });
          await r.devices.markOnboarded(guid(4), guid(5));
        }),
        hasCode('ERR_STORE_NOT_FOUND'),
      );
      assert.equal(await store.devices.get(guid(3)), undefined);
    });
  });

  test('two stores on one database (replicas in one process): overlapping transactions both commit', async () => {
    const h = await make();
    const a = await h.open(KEK);
    const b = h.shared ? await h.open(KEK) : a;
    try {
      const write = (s: Store, n: number) =>
        s.transaction(async (r) => {
          await r.devices.upsert({ guid: guid(n), state: 'owned' });
          await new Promise((resolve) => setTimeout(resolve, 20));
          await r.audit.append({ actor: 'test', action: 'device.owned', subject: hex(guid(n)) });
        });
      const started = Date.now();
      await Promise.all([write(a, 1), write(b, 2), write(a, 3), write(b, 4)]);
      assert.ok(Date.now() - started < 2000, 'no lock wait ran into the busy timeout');
      assert.equal((await b.devices.list()).items.length, 4);
      assert.equal((await a.audit.list()).items.length, 4);
      if (b !== a) await b.close();
      // The other store keeps working after one of them closed.
      assert.equal((await a.devices.list()).items.length, 4);
    } finally {
      await a.close();
      await h.destroy();
    }
  });
});
