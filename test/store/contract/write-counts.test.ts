import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/store/store.ts';
import { forEachDialect } from './dialects.ts';
import { guid, withStore } from './shared.ts';

/** How far `change` moved the store's count of writes to devices. */
async function devicesCounted(store: Store, change: () => Promise<unknown>): Promise<number> {
  const before = store.writeCount('devices');
  await change();
  return store.writeCount('devices') - before;
}

forEachDialect((make) => {
  test('write counts: a device upsert (precompiled) moves the count as a device write through the query builder does; sessions and sightings do not', async () => {
    await withStore(make, async (store) => {
      const g = guid(1);
      const upsert = await devicesCounted(store, () => store.devices.upsert({ guid: g, state: 'owned' }));
      assert.ok(upsert > 0, 'an upsert moves the count');
      const built = await devicesCounted(store, () => store.devices.markOnboarded(g, guid(2)));
      assert.equal(upsert, built, 'the same step as a write through the query builder');
      assert.equal(await devicesCounted(store, () => store.transaction((r) => r.devices.upsert({ guid: g, state: 'onboarded' }))), upsert);
      assert.equal(await devicesCounted(store, () => store.devices.get(g)), 0);
      assert.equal(await devicesCounted(store, () => store.devices.recordSightings([{ guid: g, at: new Date() }])), 0);
      const token = 'session-token';
      const session = async () => {
        await store.sessions.create(token, { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(Date.now() + 60_000) });
        await store.sessions.update(token, 1, { step: 2 }, new Date(Date.now() + 60_000));
        await store.sessions.delete(token, 2);
      };
      assert.equal(await devicesCounted(store, session), 0);
    });
  });
});
