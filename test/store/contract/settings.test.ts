import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('settings: JSON values per scope and key, replaced in place, deleted, paged, size-limited', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        assert.equal(await store.settings.get('owner', 'to2-address'), undefined);
        await store.settings.put('owner', 'to2-address', [{ dns: 'owner.example', port: 8080, protocol: 'http' }]);
        await store.settings.put('manufacturer', 'to2-address', { other: true });
        assert.deepEqual(await store.settings.get('owner', 'to2-address'), [{ dns: 'owner.example', port: 8080, protocol: 'http' }]);
        c.advance(5000);
        await store.settings.put('owner', 'to2-address', { replaced: 1, nested: { list: [null, 'x', 2.5] } });
        assert.deepEqual(await store.settings.get('owner', 'to2-address'), { replaced: 1, nested: { list: [null, 'x', 2.5] } });
        assert.deepEqual(await store.settings.get('manufacturer', 'to2-address'), { other: true });
        for (const k of ['c', 'a', 'b']) await store.settings.put('owner.serviceinfo', k, k.toUpperCase());
        const pages = await drain((after) =>
          store.settings.list('owner.serviceinfo', { limit: 2, ...(after === undefined ? {} : { after }) }),
        );
        assert.deepEqual(
          pages.map((p) => p.map((x) => [x.key, x.value])),
          [
            [
              ['a', 'A'],
              ['b', 'B'],
            ],
            [['c', 'C']],
          ],
        );
        const owner = await store.settings.list('owner');
        assert.deepEqual(
          owner.items.map((x) => [x.key, x.updatedAt.getTime()]),
          [['to2-address', c.now()]],
        );
        assert.equal(await store.settings.delete('owner.serviceinfo', 'b'), true);
        assert.equal(await store.settings.delete('owner.serviceinfo', 'b'), false);
        assert.equal(await store.settings.get('owner.serviceinfo', 'b'), undefined);
        await assert.rejects(store.settings.put('owner', 'big', 'x'.repeat(256 * 1024)), RangeError);
        await assert.rejects(store.settings.put('owner', 'nothing', undefined), TypeError);
        assert.equal(await store.settings.get('owner', 'big'), undefined);
        await assert.rejects(
          store.transaction(async (r) => {
            await r.settings.put('rendezvous', 'acceptance', { mode: 'trusted' });
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await store.settings.get('rendezvous', 'acceptance'), undefined);
      },
      c.clock,
    );
  });
});
