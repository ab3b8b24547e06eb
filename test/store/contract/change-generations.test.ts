import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import type { ChangeGenerations, Store } from '../../../src/store/store.ts';
import { forEachDialect } from './dialects.ts';
import { guid, withStore } from './shared.ts';

/** Which generations `change` moved, and that it moved them forward. */
async function moved(store: Store, change: () => Promise<unknown>): Promise<(keyof ChangeGenerations)[]> {
  const before = await store.changeGenerations();
  await change();
  const after = await store.changeGenerations();
  const kinds = ['devices', 'campaign_actions'] as const;
  for (const k of kinds) assert.ok(after[k] >= before[k], `${k} never goes back`);
  return kinds.filter((k) => after[k] !== before[k]);
}

forEachDialect((make) => {
  test('change generations: credential and device changes move `devices`, sightings do not; actions move `campaign_actions`', async () => {
    await withStore(make, async (store) => {
      const g = guid(1);
      assert.deepEqual(await moved(store, () => store.devices.upsert({ guid: g, state: 'active' })), ['devices']);
      assert.deepEqual(await moved(store, () => store.devices.recordSightings([{ guid: g, at: new Date(), address: '192.0.2.1' }])), []);
      assert.deepEqual(await moved(store, () => store.devices.setLabels(g, 'tag', ['canary'])), ['devices']);
      const hash = hashSecret('token');
      assert.deepEqual(await moved(store, () => store.deviceCredentials.create({ guid: g, tokenHash: hash, active: true })), ['devices']);
      assert.deepEqual(await moved(store, () => store.deviceCredentials.requestRotation(g)), ['devices']);
      assert.deepEqual(await moved(store, () => store.deviceCredentials.revokeAll(g)), ['devices']);
      assert.deepEqual(await moved(store, () => store.devices.upsert({ guid: g, state: 'suspended' })), ['devices']);
      await store.campaigns.create({
        id: 'c1',
        name: 'c1',
        releaseId: 'rel-1',
        targetGuids: ['01'],
        waves: [{ percent: 100 }],
        actionType: 'forced',
        confirm: false,
        errorThreshold: 20,
        timeoutSeconds: 600,
        retries: { attempts: 0, backoffSeconds: 60 },
      });
      assert.deepEqual(await moved(store, () => store.campaigns.addActions('c1', [{ id: 'a1', guid: '01', wave: 0 }])), [
        'campaign_actions',
      ]);
      // A change that rolls back moves nothing.
      const before = await store.changeGenerations();
      await store
        .transaction(async (r) => {
          await r.devices.upsert({ guid: g, state: 'active' });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      assert.deepEqual(await store.changeGenerations(), before);
    });
  });
});
