/**
 * The device view names the device's product: the product whose model is the DeviceInfo DI wrote
 * into the device's voucher (not the model the device reports), with its support end and whether
 * it is out of support now, by the rule the product view and the out-of-support report use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toyParsers } from '../../compliance/products/toy-parsers.ts';
import { guidHex, product } from '../../compliance/products/world.ts';
import { modelVoucher } from '../../helpers/model-voucher.ts';
import { auth, type ProductApiWorld, productApiWorld } from './products-world.ts';

const bytesOf = (n: number) => new Uint8Array(Buffer.from(guidHex(n), 'hex'));

describe('management API: a device’s product', () => {
  let w: ProductApiWorld;
  const get = (url: string) => w.app.inject({ method: 'GET', url, headers: auth(w.tokens.owner) });
  const productOf = async (n: number) => {
    const r = await get(`/api/v1/devices/${guidHex(n)}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json().product;
  };

  before(async () => {
    w = await productApiWorld(toyParsers);
    // The world's clock is 2031-03-01: cam-1's support ended the day before.
    await w.store.products.create({
      model: 'cam-1',
      document: { ...product('cam-1', { supportEnd: '2031-02-28' }) },
      supportEnd: '2031-02-28',
    });
    const { model: _bulb, ...bulb } = product('bulb', { supportEnd: '2031-03-01' });
    await w.store.products.create({ model: 'bulb', document: bulb, supportEnd: '2031-03-01' });
    const { model: _plug, ...plug } = product('plug');
    await w.store.products.create({ model: 'plug', document: plug });
    const made: [number, string][] = [
      [1, 'cam-1'],
      [2, 'bulb'],
      [3, 'plug'],
      [4, 'toaster'],
      [5, 'bulb'],
    ];
    for (const [n, model] of made) {
      await w.store.devices.upsert({ guid: bytesOf(n), state: 'active' });
      await w.store.vouchers.put({
        side: 'manufacturer',
        guid: bytesOf(n),
        voucher: await modelVoucher(bytesOf(n), model),
        state: 'created',
      });
    }
    // Device 5 claims to be a cam-1 on the device API; its voucher says bulb.
    await w.store.deviceConfig.put(bytesOf(5), { model: 'cam-1' });
    // Device 6 has only a voucher whose bytes cannot be read.
    await w.store.devices.upsert({ guid: bytesOf(6), state: 'active' });
    await w.store.vouchers.put({ side: 'owner', guid: bytesOf(6), voucher: Uint8Array.of(1), state: 'imported' });
  });
  after(() => w.close());

  it('shows the product with its support end, out of support from the day after it', async () => {
    assert.deepEqual(await productOf(1), { model: 'cam-1', supportEnd: '2031-02-28', outOfSupport: true });
    assert.deepEqual(await productOf(2), { model: 'bulb', supportEnd: '2031-03-01', outOfSupport: false });
    assert.deepEqual(await productOf(3), { model: 'plug', outOfSupport: false });
  });

  it('shows none when the voucher’s model is no product or cannot be read', async () => {
    assert.equal(await productOf(4), undefined);
    assert.equal(await productOf(6), undefined);
  });

  it('goes by the voucher, not by the model the device reports', async () => {
    const r = await get(`/api/v1/devices/${guidHex(5)}`);
    assert.equal(r.json().model, 'cam-1');
    assert.deepEqual(r.json().product, { model: 'bulb', supportEnd: '2031-03-01', outOfSupport: false });
    const report = await get('/api/v1/products/out-of-support');
    assert.equal(report.statusCode, 200, report.body);
    assert.deepEqual(
      report.json().items.map((d: { guid: string }) => d.guid),
      [guidHex(1)],
    );
    // A day later bulb's support has ended too; the report lists by model, then GUID.
    w.now.ms += 86_400_000;
    assert.equal((await productOf(5)).outOfSupport, true);
    assert.deepEqual(
      (await get('/api/v1/products/out-of-support')).json().items.map((d: { guid: string }) => d.guid),
      [guidHex(2), guidHex(5), guidHex(1)],
    );
    w.now.ms -= 86_400_000;
  });

  it('lists devices with the same member, and documents it in the OpenAPI schema', async () => {
    const list = await get('/api/v1/devices?limit=10');
    assert.deepEqual(
      list.json().items.map((d: { product?: { model: string } }) => d.product?.model ?? null),
      ['cam-1', 'bulb', 'plug', null, 'bulb', null],
    );
    const doc = (await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const device = doc.components.schemas.Device;
    assert.deepEqual(device.properties.product.required, ['model', 'outOfSupport']);
    assert.deepEqual(Object.keys(device.properties.product.properties), ['model', 'supportEnd', 'outOfSupport']);
  });
});
