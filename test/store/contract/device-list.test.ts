import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICE_SORTS, type DeviceRecord, type DeviceSort } from '../../../src/store/device-repository.ts';
import type { IntentEnforcementState } from '../../../src/store/intent-device-repository.ts';
import type { Store } from '../../../src/store/store.ts';
import { forEachDialect } from './dialects.ts';
import { atMigration, drain, guid, hasCode, hex, movableClock, withStore } from './shared.ts';

const intentDevice = (n: number, g: Uint8Array, state: IntentEnforcementState) => ({
  mac: `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`,
  guid: hex(g),
  urlSource: 'fdo' as const,
  names: [],
  state,
  ruleCount: 0,
});

/** Eight devices: model, firmware, last seen and intent state spread so that every order differs. */
async function seed(store: Store, advance: (ms: number) => void): Promise<void> {
  const models = ['lamp-b', 'lamp-a', undefined, 'plug-c', 'lamp-a', undefined, 'plug-c', 'lamp-b'];
  for (let n = 1; n <= 8; n++) {
    await store.devices.upsert({ guid: guid(n), state: n % 3 === 0 ? 'active' : 'onboarded' });
    const model = models[n - 1];
    if (model !== undefined) await store.deviceConfig.put(guid(n), { model, serial: `sn-${n}` });
    if (n % 2 === 0)
      await store.campaigns.setInstalled({
        guid: hex(guid(n)),
        version: `2.${n % 4}`,
        sequenceNumber: n,
        components: [{ componentId: ['00'], digest: { algorithm: 'sha-256', hex: '00' } }],
      });
  }
  // A report that was not verified proves nothing: no firmware.
  await store.campaigns.setInstalled({ guid: hex(guid(1)), version: '9.9', sequenceNumber: 9 });
  advance(1000);
  await store.devices.recordSightings([
    { guid: guid(3), at: new Date(3000) },
    { guid: guid(5), at: new Date(1000) },
    { guid: guid(7), at: new Date(2000) },
  ]);
  await store.intentDevices.put(intentDevice(1, guid(2), 'enforced'));
  await store.intentDevices.put(intentDevice(2, guid(4), 'enforced'));
  advance(1000);
  await store.intentDevices.put(intentDevice(3, guid(4), 'quarantined'));
  await store.intentDevices.put(intentDevice(4, guid(6), 'default-deny'));
}

const key = (d: DeviceRecord, sort: string): number | string => {
  if (sort.endsWith('lastSeen')) return d.lastSeenAt?.getTime() ?? 0;
  if (sort.endsWith('model')) return d.fleetModel ?? '';
  if (sort.endsWith('firmware')) return d.fleetFirmware ?? '';
  if (sort.endsWith('state')) return d.state;
  return hex(d.guid);
};

/** The order `sort` asks for, computed here from the records. */
function expected(all: DeviceRecord[], sort: DeviceSort): string[] {
  const sign = sort.startsWith('-') ? -1 : 1;
  const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...all].sort((a, b) => sign * (cmp(key(a, sort), key(b, sort)) || cmp(hex(a.guid), hex(b.guid)))).map((d) => hex(d.guid));
}

forEachDialect((make) => {
  test('device list: model, firmware and intent state follow the pillars writes', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await seed(store, c.advance);
        const d = async (n: number) => (await store.devices.get(guid(n))) as DeviceRecord;
        assert.equal((await d(1)).fleetModel, 'lamp-b');
        assert.equal((await d(3)).fleetModel, undefined);
        assert.equal((await d(1)).fleetFirmware, undefined, 'an unverified report sets no firmware');
        assert.equal((await d(2)).fleetFirmware, '2.2');
        assert.equal((await d(2)).intentState, 'enforced');
        assert.equal((await d(4)).intentState, 'quarantined', 'a quarantine comes first');
        assert.equal((await d(5)).intentState, undefined);
        await store.deviceConfig.put(guid(1), { model: 42 });
        assert.equal((await d(1)).fleetModel, undefined, 'a model that is not text is not a model');
        await store.intentDevices.delete('02:00:00:00:00:03');
        assert.equal((await d(4)).intentState, 'enforced');
        // A device TO2 gave another GUID keeps the intent records of that GUID.
        await store.intentDevices.put(intentDevice(9, guid(109), 'allowed'));
        await store.devices.markOnboarded(guid(5), guid(109));
        assert.equal((await d(5)).intentState, 'allowed');
      },
      c.clock,
    );
  });

  test('device list: every order pages completely and in order, filters and search narrow it', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await seed(store, c.advance);
        const all = (await store.devices.list({})).items;
        assert.equal(all.length, 8);
        for (const sort of DEVICE_SORTS) {
          const pages = await drain((after) => store.devices.list({ sort, limit: 3, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.flat().map((d) => hex(d.guid)),
            expected(all, sort),
            sort,
          );
          assert.equal(pages.length, 3, sort);
        }
        const guids = async (r: Parameters<Store['devices']['list']>[0]) => (await store.devices.list(r)).items.map((d) => d.guid[15]);
        assert.deepEqual(await guids({ model: 'lamp-a' }), [2, 5]);
        assert.deepEqual(await guids({ firmware: '2.0', sort: '-guid' }), [8, 4]);
        assert.deepEqual(await guids({ intent: 'enforced' }), [2]);
        assert.deepEqual(await guids({ intent: 'none', state: 'active' }), [3]);
        assert.deepEqual(await guids({ q: 'LAMP', sort: 'model' }), [2, 5, 1, 8]);
        assert.deepEqual(await guids({ q: `${hex(guid(7)).slice(0, 8)}-${hex(guid(7)).slice(8).toUpperCase()}` }), [7]);
        assert.deepEqual(await guids({ q: 'a0' }), [1, 2, 3, 4, 5, 6, 7, 8], 'a GUID start');
        assert.deepEqual(await guids({ q: '100%' }), [], 'LIKE wildcards are text');
        await store.devices.setLabels(guid(6), 'tag', ['kitchen']);
        assert.deepEqual(await guids({ q: 'kitchen' }), [6]);
        assert.deepEqual(await guids({ q: 'kitch' }), [], 'a tag matches whole');
        const first = await store.devices.list({ sort: '-lastSeen', limit: 2 });
        assert.ok(first.next !== undefined);
        await assert.rejects(store.devices.list({ sort: 'model', after: first.next }), hasCode('ERR_STORE_CURSOR'));
        await assert.rejects(store.devices.list({ sort: 'lastSeen', after: 'bm90LWpzb24' }), hasCode('ERR_STORE_CURSOR'));
        await assert.rejects(store.devices.list({ sort: 'size' as DeviceSort }), TypeError);
        await assert.rejects(store.devices.list({ q: 'x'.repeat(65) }), TypeError);
      },
      c.clock,
    );
  });

  test('device list: migration 0028 fills the columns of the devices stored before it', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('a :memory: database cannot be migrated in steps');
      await atMigration(h.location, '0026-voucher-device-info', async (db) => {
        await db
          .insertInto('devices')
          .values({ guid: hex(guid(1)), state: 'active', replacement_guid: null, created_at: 1, updated_at: 1, onboarded_at: null })
          .execute();
        await db
          .insertInto('device_config')
          .values({ guid: hex(guid(1)), config: JSON.stringify({ model: 'reported' }), updated_at: 1 })
          .execute();
        await db
          .insertInto('vouchers')
          .values({
            side: 'owner',
            guid: hex(guid(1)),
            voucher: new Uint8Array([0]),
            state: 'owned',
            created_at: 1,
            updated_at: 1,
            registered_until: null,
            device_info: 'from-di',
          })
          .execute();
        await db
          .insertInto('device_installed')
          .values({
            guid: hex(guid(1)),
            release_id: null,
            version: '1.4',
            sequence_number: 4,
            updated_at: 1,
            components: '[]',
            report_action: null,
          })
          .execute();
      });
      const store = await h.open(new Uint8Array(32).fill(7));
      try {
        const d = await store.devices.get(guid(1));
        assert.equal(d?.fleetModel, 'from-di', "the owner voucher's DeviceInfo comes before the reported model");
        assert.equal(d?.fleetFirmware, '1.4');
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
