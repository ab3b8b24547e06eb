import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTINGS_CACHE_MS } from '../../../src/store/sql/settings-cache.ts';
import { forEachDialect } from './dialects.ts';
import { KEK, OTHER_KEK, withStore } from './shared.ts';

forEachDialect((make) => {
  test('settings read through the cache: this process`s writes at once, copies returned, sealed values after a re-key', async () => {
    await withStore(make, async (store) => {
      await store.settings.put('owner', 'to2-address', { port: 1 });
      const first = (await store.settings.get('owner', 'to2-address')) as { port: number };
      first.port = 99;
      assert.deepEqual(await store.settings.get('owner', 'to2-address'), { port: 1 }, 'a returned value is the caller`s own');
      await store.settings.put('owner', 'to2-address', { port: 2 });
      assert.deepEqual(await store.settings.get('owner', 'to2-address'), { port: 2 });
      await store.transaction((r) => r.settings.put('owner', 'to2-address', { port: 3 }));
      assert.deepEqual(await store.settings.get('owner', 'to2-address'), { port: 3 });
      assert.equal(await store.settings.delete('owner', 'to2-address'), true);
      assert.equal(await store.settings.get('owner', 'to2-address'), undefined);
      await store.settings.putSealed('owner', 'wifi', { password: 'secret' });
      assert.deepEqual(await store.settings.get('owner', 'wifi'), { password: 'secret' });
      await store.rekey(OTHER_KEK);
      assert.deepEqual(await store.settings.get('owner', 'wifi'), { password: 'secret' });
      // A transaction reads its own writes, before it commits.
      await store.transaction(async (r) => {
        await r.settings.put('owner', 'to2-address', { port: 4 });
        assert.deepEqual(await r.settings.get('owner', 'to2-address'), { port: 4 });
      });
    });
  });

  test('settings read through the cache: another replica`s write is seen within SETTINGS_CACHE_MS', async (t) => {
    const h = await make();
    if (!h.shared) {
      await h.destroy();
      t.skip('one database per store');
      return;
    }
    const a = await h.open(KEK);
    const b = await h.open(KEK);
    try {
      await b.settings.put('owner', 'to2-address', { port: 1 });
      assert.deepEqual(await a.settings.get('owner', 'to2-address'), { port: 1 });
      await b.settings.put('owner', 'to2-address', { port: 2 });
      await b.settings.put('owner', 'serviceinfo-default', { plans: [] });
      await sleep(SETTINGS_CACHE_MS + 50);
      assert.deepEqual(await a.settings.get('owner', 'to2-address'), { port: 2 });
      assert.deepEqual(await a.settings.get('owner', 'serviceinfo-default'), { plans: [] });
      // A change behind the repositories' back moves the generation too (the triggers).
      await h.raw?.(`update settings set value = '{"port":3}' where scope = 'owner' and key = 'to2-address'`);
      await b.settings.delete('owner', 'serviceinfo-default');
      await sleep(SETTINGS_CACHE_MS + 50);
      assert.deepEqual(await a.settings.get('owner', 'to2-address'), h.raw === undefined ? { port: 2 } : { port: 3 });
      assert.equal(await a.settings.get('owner', 'serviceinfo-default'), undefined);
    } finally {
      await a.close();
      await b.close();
      await h.destroy();
    }
  });
});
