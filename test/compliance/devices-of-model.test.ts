/**
 * The one answer to which devices are a model's: the DeviceInfo of the device's voucher, the
 * manufacturer's before the owner's, never the model the device reports; read in pages.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { devicesOfModel, devicesOfNoModel, everyDeviceOfModel, modelOfDevice } from '../../src/compliance/devices-of-model.ts';
import { openStore } from '../../src/store/open-store.ts';
import { modelVoucher } from '../helpers/model-voucher.ts';

const guid = (n: number) => Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? n : i === 0 ? 0xb0 : 0));

test('devices of a model: by voucher DeviceInfo, manufacturer first, paged, unreadable counted apart', async () => {
  const store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
  try {
    const voucher = async (n: number, side: 'manufacturer' | 'owner', model: string | null) =>
      store.vouchers.put({
        side,
        guid: guid(n),
        voucher: model === null ? Uint8Array.of(0) : await modelVoucher(guid(n), model),
        state: side === 'owner' ? 'imported' : 'created',
      });
    for (let n = 1; n <= 5; n++) await store.devices.upsert({ guid: guid(n), state: 'active' });
    await voucher(1, 'manufacturer', 'cam-1');
    await voucher(2, 'owner', 'cam-1');
    await voucher(3, 'manufacturer', 'bulb');
    await voucher(3, 'owner', 'cam-1');
    await voucher(4, 'manufacturer', 'cam-1');
    await voucher(5, 'owner', null);
    // What a device says about itself on the device API decides nothing.
    await store.deviceConfig.put(guid(3), { model: 'cam-1' });
    await store.deviceConfig.put(guid(4), { model: 'bulb' });

    const first = await devicesOfModel(store, 'cam-1', { limit: 2 });
    assert.deepEqual(
      first.items.map((d) => [d.device.guid[15], d.voucher.side]),
      [
        [1, 'manufacturer'],
        [2, 'owner'],
      ],
    );
    assert.ok(first.next !== undefined);
    const all = [];
    for await (const d of everyDeviceOfModel(store, 'cam-1')) all.push(d.device.guid[15]);
    assert.deepEqual(all, [1, 2, 4]);
    assert.deepEqual(
      (await devicesOfModel(store, 'bulb')).items.map((d) => d.device.guid[15]),
      [3],
    );
    assert.equal(await devicesOfNoModel(store), 1);
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5, 6].map((n) => modelOfDevice(store, guid(n)))), [
      'cam-1',
      'cam-1',
      'bulb',
      'cam-1',
      undefined,
      undefined,
    ]);
  } finally {
    await store.close();
  }
});
