/**
 * The device list's search, filters and orders over the management API: the model is what DI
 * recorded in the voucher, the intent state comes from the intent pillar's records, and a cursor
 * belongs to the order it was handed out for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toyParsers } from '../../compliance/products/toy-parsers.ts';
import { guidHex } from '../../compliance/products/world.ts';
import { modelVoucher } from '../../helpers/model-voucher.ts';
import { auth, type ProductApiWorld, productApiWorld } from './products-world.ts';

const bytesOf = (n: number) => new Uint8Array(Buffer.from(guidHex(n), 'hex'));

describe('management API: the device list', () => {
  let w: ProductApiWorld;
  const list = async (query: string, token = w.tokens.owner) =>
    w.app.inject({ method: 'GET', url: `/api/v1/devices?${query}`, headers: auth(token) });
  const guids = async (query: string) => {
    const r = await list(query);
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().items as { guid: string }[]).map((d) => Number.parseInt(d.guid.slice(-2), 16));
  };

  before(async () => {
    w = await productApiWorld(toyParsers);
    const made: [number, string][] = [
      [1, 'cam-1'],
      [2, 'bulb'],
      [3, 'plug'],
      [4, 'bulb'],
    ];
    for (const [n, model] of made) {
      await w.store.devices.upsert({ guid: bytesOf(n), state: n === 3 ? 'suspended' : 'active' });
      await w.store.vouchers.put({
        side: 'manufacturer',
        guid: bytesOf(n),
        voucher: await modelVoucher(bytesOf(n), model),
        state: 'created',
      });
    }
    // The device's own claim does not change its model in the list: DI's record does.
    await w.store.deviceConfig.put(bytesOf(4), { model: 'cam-1' });
    await w.store.intentDevices.put({
      mac: '02:00:00:00:00:01',
      guid: guidHex(2),
      urlSource: 'fdo',
      names: [],
      state: 'quarantined',
      ruleCount: 0,
    });
    await w.store.devices.recordSightings([
      { guid: bytesOf(1), at: new Date(Date.parse('2031-03-01T10:00:00Z')) },
      { guid: bytesOf(3), at: new Date(Date.parse('2031-03-01T11:00:00Z')) },
    ]);
  });
  after(() => w.close());

  it('shows the model and the intent state of each device', async () => {
    const r = await list('q=' + guidHex(2));
    assert.equal(r.statusCode, 200, r.body);
    const [d] = r.json().items;
    assert.equal(d.fleetModel, 'bulb');
    assert.equal(d.intentState, 'quarantined');
    const other = (await list('q=' + guidHex(1))).json().items[0];
    assert.equal(other.intentState, undefined);
  });

  it('searches, filters and sorts', async () => {
    assert.deepEqual(await guids('model=bulb'), [2, 4]);
    assert.deepEqual(await guids('q=BUL&sort=-guid'), [4, 2]);
    const g = guidHex(3);
    assert.deepEqual(await guids(`q=${g.slice(0, 8)}-${g.slice(8)}`), [3]);
    assert.deepEqual(await guids('intent=quarantined'), [2]);
    assert.deepEqual(await guids('intent=none&state=active'), [1, 4]);
    assert.deepEqual(await guids('sort=-lastSeen'), [3, 1, 4, 2]);
    assert.deepEqual(await guids('sort=model'), [2, 4, 1, 3]);
  });

  it('pages every order with its own cursor and refuses another order’s', async () => {
    const first = await list('sort=-model&limit=3');
    assert.equal(first.statusCode, 200, first.body);
    const { next } = first.json();
    assert.ok(typeof next === 'string');
    assert.deepEqual(await guids(`sort=-model&limit=3&cursor=${next}`), [2]);
    const wrong = await list(`sort=state&cursor=${next}`);
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(wrong.json().code, 'ERR_API_VALIDATION');
  });

  it('refuses an unknown order, an unknown intent state and an overlong search', async () => {
    for (const q of ['sort=size', 'intent=happy', `q=${'a'.repeat(65)}`]) {
      const r = await list(q);
      assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
    }
    assert.equal((await list('sort=model', w.tokens.auditor)).statusCode, 403);
  });
});
