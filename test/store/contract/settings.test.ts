import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, movableClock, withStore } from './shared.ts';

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

  test('settings: a sealed value opens transparently and is not in the database in clear; moved to another key it does not open', async () => {
    await withStore(make, async (store, h) => {
      const secret = `wifi-${randomBytes(12).toString('hex')}`;
      const plain = `plain-${randomBytes(12).toString('hex')}`;
      await store.settings.putSealed('owner.serviceinfo', 'wifi', { ssid: 'lab', password: secret });
      await store.settings.put('owner.serviceinfo', 'note', { text: plain });
      assert.deepEqual(await store.settings.get('owner.serviceinfo', 'wifi'), { ssid: 'lab', password: secret });
      const listed = await store.settings.list('owner.serviceinfo');
      assert.deepEqual(
        listed.items.map((i) => [i.key, i.value, i.sealed]),
        [
          ['note', { text: plain }, undefined],
          ['wifi', { ssid: 'lab', password: secret }, true],
        ],
      );
      await assert.rejects(store.settings.putSealed('owner', 'big', 'x'.repeat(256 * 1024)), RangeError);
      await assert.rejects(store.settings.putSealed('owner', 'nothing', undefined), TypeError);

      if (h.location?.startsWith('sqlite:')) {
        const path = h.location.slice('sqlite:'.length);
        const bytes = Buffer.concat([path, `${path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
        assert.ok(bytes.includes(Buffer.from(plain)), 'a plain setting is in the file: the search sees values');
        assert.equal(bytes.includes(Buffer.from(secret)), false, 'the sealed secret is not');
      }
      if (h.raw) {
        const rows = await h.raw("SELECT key, value FROM settings WHERE scope = 'owner.serviceinfo' ORDER BY key");
        assert.ok(String(rows[0]?.['value']).includes(plain));
        assert.equal(String(rows[1]?.['value']).includes(secret), false);
        await h.raw("UPDATE settings SET value = (SELECT value FROM settings WHERE key = 'wifi'), sealed = 1 WHERE key = 'note'");
        await assert.rejects(store.settings.get('owner.serviceinfo', 'note'), hasCode('ERR_STORE_DECRYPT'));
        await store.settings.delete('owner.serviceinfo', 'note');
      }
      // A plain put replaces a sealed value with a plain one, and back.
      await store.settings.put('owner.serviceinfo', 'wifi', { ssid: 'open' });
      assert.equal((await store.settings.list('owner.serviceinfo')).items.find((i) => i.key === 'wifi')?.sealed, undefined);
      await assert.rejects(
        store.transaction(async (r) => {
          await r.settings.putSealed('owner.serviceinfo', 'wifi', { password: secret });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await store.settings.get('owner.serviceinfo', 'wifi'), { ssid: 'open' });
    });
  });

  test('settings: a delete overwrites and removes in one step (a rolled-back delete leaves the value whole); eraseFreed empties the SQLite WAL', async () => {
    await withStore(make, async (store, h) => {
      const secret = `psk-${randomBytes(12).toString('hex')}`;
      await store.settings.putSealed('owner.serviceinfo', 'wifi', { password: secret });
      await assert.rejects(
        store.transaction(async (r) => {
          assert.equal(await r.settings.delete('owner.serviceinfo', 'wifi'), true);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await store.settings.get('owner.serviceinfo', 'wifi'), { password: secret });
      await store.settings.put('owner', 'plain', 'x'.repeat(300));
      assert.equal(await store.settings.delete('owner', 'plain'), true);
      assert.equal(await store.settings.delete('owner.serviceinfo', 'wifi'), true);
      assert.equal(await store.settings.delete('owner.serviceinfo', 'wifi'), false);
      assert.equal(await store.settings.get('owner.serviceinfo', 'wifi'), undefined);
      assert.equal(await store.eraseFreed(), true);
      if (h.location?.startsWith('sqlite:')) {
        const wal = `${h.location.slice('sqlite:'.length)}-wal`;
        assert.equal(existsSync(wal) ? readFileSync(wal).length : 0, 0, 'the write-ahead log is empty after eraseFreed');
      }
    });
  });
});
