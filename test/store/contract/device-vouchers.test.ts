/**
 * Vouchers by the DeviceInfo in their header: filled when a voucher is written, backfilled by
 * migration 0026 for vouchers written before, and read a page at a time for the device records
 * whose voucher (the manufacturer's, else the owner's) names exactly that DeviceInfo.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelVoucher } from '../../helpers/model-voucher.ts';
import { forEachDialect } from './dialects.ts';
import { atMigration, drain, guid, withStore } from './shared.ts';

const NOT_A_VOUCHER = Uint8Array.of(0x82, 0x01, 0x02);

forEachDialect((make) => {
  test('vouchers: the device records whose voucher names a DeviceInfo exactly, the manufacturer’s voucher first', async () => {
    await withStore(make, async (store) => {
      const device = async (n: number, side: 'manufacturer' | 'owner', model: string | null, record = true) => {
        if (record) await store.devices.upsert({ guid: guid(n), state: 'manufactured' });
        const voucher = model === null ? NOT_A_VOUCHER : await modelVoucher(guid(n), model);
        await store.vouchers.put({ side, guid: guid(n), voucher, state: side === 'owner' ? 'imported' : 'created' });
      };
      // `_` would match `-` in a LIKE pattern; DeviceInfo is compared exactly.
      for (let n = 1; n <= 7; n++) await device(n, 'manufacturer', n % 2 === 0 ? 'cam_1' : 'cam-1');
      await device(1, 'owner', 'cam-1');
      await device(8, 'owner', 'cam-1');
      await device(9, 'manufacturer', 'cam-10');
      await device(9, 'owner', 'cam-1', false);
      await device(10, 'owner', 'cam-1', false);
      await store.vouchers.put({ side: 'owner', guid: guid(10), voucher: await modelVoucher(guid(10), 'cam-1'), state: 'onboarded' });
      await device(11, 'manufacturer', null);

      const pages = await drain((after) =>
        store.vouchers.listDeviceVouchers('cam-1', { limit: 2, ...(after === undefined ? {} : { after }) }),
      );
      assert.deepEqual(
        pages.map((p) => p.map((v) => [v.guid[15], v.side])),
        [
          [
            [1, 'manufacturer'],
            [3, 'manufacturer'],
          ],
          [
            [5, 'manufacturer'],
            [7, 'manufacturer'],
          ],
          [[8, 'owner']],
        ],
      );
      assert.ok(pages.flat().every((v) => v.deviceInfo === 'cam-1'));
      assert.deepEqual(
        (await store.vouchers.listDeviceVouchers('cam_1')).items.map((v) => v.guid[15]),
        [2, 4, 6],
      );
      assert.deepEqual(
        (await store.vouchers.listDeviceVouchers('cam-10')).items.map((v) => v.guid[15]),
        [9],
      );
      assert.deepEqual(
        (await store.vouchers.listDeviceVouchers(null)).items.map((v) => v.guid[15]),
        [11],
      );
      assert.equal((await store.vouchers.get('manufacturer', guid(11)))?.deviceInfo, undefined);
      assert.equal((await store.vouchers.get('manufacturer', guid(2)))?.deviceInfo, 'cam_1');

      // New bytes under the same GUID bring their own DeviceInfo.
      await store.vouchers.put({ side: 'manufacturer', guid: guid(3), voucher: await modelVoucher(guid(3), 'cam_1'), state: 'created' });
      assert.deepEqual(
        (await store.vouchers.listDeviceVouchers('cam_1')).items.map((v) => v.guid[15]),
        [2, 3, 4, 6],
      );
    });
  });

  test('vouchers: migration 0026 reads the DeviceInfo of vouchers written before it', async (t) => {
    const h = await make();
    if (h.location === undefined) {
      await h.destroy();
      t.skip('this database cannot be opened twice');
      return;
    }
    try {
      const rows = [
        { n: 1, side: 'manufacturer', voucher: await modelVoucher(guid(1), 'cam-1') },
        { n: 2, side: 'owner', voucher: await modelVoucher(guid(2), 'cam-2') },
        { n: 3, side: 'manufacturer', voucher: NOT_A_VOUCHER },
      ];
      await atMigration(h.location, '0025-assessments', async (db) => {
        for (const r of rows) {
          const hex = Buffer.from(guid(r.n)).toString('hex');
          await db
            .insertInto('devices')
            .values({ guid: hex, state: 'manufactured', replacement_guid: null, created_at: 1, updated_at: 1, onboarded_at: null })
            .execute();
          await db
            .insertInto('vouchers')
            .values({ side: r.side, guid: hex, voucher: r.voucher, state: 'created', created_at: 1, updated_at: 1, registered_until: null })
            .execute();
        }
      });
      const store = await h.open(new Uint8Array(32).fill(7));
      try {
        assert.equal((await store.vouchers.get('manufacturer', guid(1)))?.deviceInfo, 'cam-1');
        assert.equal((await store.vouchers.get('owner', guid(2)))?.deviceInfo, 'cam-2');
        assert.equal((await store.vouchers.get('manufacturer', guid(3)))?.deviceInfo, undefined);
        assert.deepEqual(
          (await store.vouchers.listDeviceVouchers('cam-2')).items.map((v) => v.guid[15]),
          [2],
        );
        assert.deepEqual(
          (await store.vouchers.listDeviceVouchers(null)).items.map((v) => v.guid[15]),
          [3],
        );
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
