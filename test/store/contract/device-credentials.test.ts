import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import { forEachDialect } from './dialects.ts';
import { guid, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('device credentials: pending until activated, one live per device, the others expire; other pending ones are kept', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const g = guid(1);
        const first = await store.deviceCredentials.create({ guid: g, tokenHash: hashSecret('first-token'), active: true });
        assert.equal(first.activatedAt?.getTime(), c.now());
        await assert.rejects(
          store.deviceCredentials.create({ guid: guid(2), tokenHash: hashSecret('first-token'), active: false }),
          hasCode('ERR_STORE_DUPLICATE'),
        );
        c.advance(1000);
        const pendingUntil = new Date(c.now() + 3_600_000);
        const stale = await store.deviceCredentials.create({
          guid: g,
          tokenHash: hashSecret('stale-pending'),
          active: false,
          expiresAt: pendingUntil,
        });
        assert.equal(stale.activatedAt, undefined);
        c.advance(1000);
        await store.deviceCredentials.create({ guid: g, tokenHash: hashSecret('second-token'), active: false, expiresAt: pendingUntil });
        const overlap = new Date(c.now() + 600_000);
        await store.deviceCredentials.activate(g, hashSecret('second-token'), 600_000);
        const second = await store.deviceCredentials.findByHash(hashSecret('second-token'));
        assert.equal(second?.activatedAt?.getTime(), c.now());
        assert.equal(second?.expiresAt, undefined);
        assert.deepEqual(second?.guid, g);
        const old = await store.deviceCredentials.findByHash(hashSecret('first-token'));
        assert.equal(old?.expiresAt?.getTime(), overlap.getTime());
        assert.equal(old?.revokedAt, undefined);
        // Another TO2 run's pending credential is not touched: it activates with its own run or expires.
        const kept = await store.deviceCredentials.findByHash(hashSecret('stale-pending'));
        assert.deepEqual([kept?.activatedAt, kept?.revokedAt, kept?.expiresAt?.getTime()], [undefined, undefined, pendingUntil.getTime()]);
        // Another device's credential or an unknown one cannot be activated for this device.
        await store.deviceCredentials.create({ guid: guid(2), tokenHash: hashSecret('other-device'), active: false });
        await assert.rejects(store.deviceCredentials.activate(g, hashSecret('other-device'), 600_000), hasCode('ERR_STORE_NOT_FOUND'));
        await assert.rejects(store.deviceCredentials.activate(g, hashSecret('nope'), 600_000), hasCode('ERR_STORE_NOT_FOUND'));
        assert.equal((await store.deviceCredentials.findByHash(hashSecret('other-device')))?.activatedAt, undefined);
        // A shorter expiry already set is kept.
        c.advance(1000);
        await store.deviceCredentials.create({ guid: g, tokenHash: hashSecret('third-token'), active: false });
        await store.deviceCredentials.activate(g, hashSecret('third-token'), 3_600_000);
        assert.equal((await store.deviceCredentials.findByHash(hashSecret('first-token')))?.expiresAt?.getTime(), overlap.getTime());
        const listed = await store.deviceCredentials.listForDevice(g);
        assert.deepEqual(
          listed.map((x) => x.tokenHash),
          [hashSecret('third-token'), hashSecret('second-token'), hashSecret('stale-pending'), hashSecret('first-token')],
        );
        assert.equal(await store.deviceCredentials.findByHash(hashSecret('unknown')), undefined);
      },
      c.clock,
    );
  });

  test('device credentials: revoking all of a device touches only that device and only once', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await store.deviceCredentials.create({ guid: guid(1), tokenHash: hashSecret('a1'), active: true });
        await store.deviceCredentials.create({ guid: guid(1), tokenHash: hashSecret('a2'), active: false });
        await store.deviceCredentials.create({ guid: guid(2), tokenHash: hashSecret('b1'), active: true });
        c.advance(5000);
        assert.equal(await store.deviceCredentials.revokeAll(guid(1)), 2);
        const at = c.now();
        c.advance(5000);
        assert.equal(await store.deviceCredentials.revokeAll(guid(1)), 0);
        assert.equal((await store.deviceCredentials.findByHash(hashSecret('a1')))?.revokedAt?.getTime(), at);
        assert.equal((await store.deviceCredentials.findByHash(hashSecret('b1')))?.revokedAt, undefined);
        await assert.rejects(store.deviceCredentials.activate(guid(1), hashSecret('a2'), 0), hasCode('ERR_STORE_NOT_FOUND'));
      },
      c.clock,
    );
  });

  test('device credentials: a rotation request marks only the live credential of the device', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await store.deviceCredentials.create({ guid: guid(1), tokenHash: hashSecret('old'), active: true });
        await store.deviceCredentials.create({ guid: guid(1), tokenHash: hashSecret('live'), active: false });
        await store.deviceCredentials.activate(guid(1), hashSecret('live'), 600_000);
        await store.deviceCredentials.create({ guid: guid(1), tokenHash: hashSecret('pending'), active: false });
        await store.deviceCredentials.create({ guid: guid(2), tokenHash: hashSecret('other'), active: true });
        c.advance(1000);
        assert.equal(await store.deviceCredentials.requestRotation(guid(1)), 1);
        const at = async (t: string) => (await store.deviceCredentials.findByHash(hashSecret(t)))?.rotationRequestedAt?.getTime();
        assert.deepEqual(
          [await at('live'), await at('old'), await at('pending'), await at('other')],
          [c.now(), undefined, undefined, undefined],
        );
        await store.deviceCredentials.revokeAll(guid(1));
        assert.equal(await store.deviceCredentials.requestRotation(guid(1)), 0);
      },
      c.clock,
    );
  });

  test('device config: stored per device, replaced whole, read back as JSON', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        assert.equal(await store.deviceConfig.get(guid(1)), undefined);
        await store.deviceConfig.put(guid(1), { model: 'lamp-2', firmware: [{ component: 'app', version: '1.0.0' }] });
        c.advance(1000);
        const put = await store.deviceConfig.put(guid(1), { model: 'lamp-3' });
        assert.equal(put.updatedAt.getTime(), c.now());
        await store.deviceConfig.put(guid(2), { serial: 'S-2' });
        const got = await store.deviceConfig.get(guid(1));
        assert.deepEqual(got?.config, { model: 'lamp-3' });
        assert.equal(got?.updatedAt.getTime(), c.now());
        assert.deepEqual((await store.deviceConfig.get(guid(2)))?.config, { serial: 'S-2' });
      },
      c.clock,
    );
  });
});
