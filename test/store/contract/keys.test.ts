import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { atMigration, hasCode, KEK, withStore } from './shared.ts';

forEachDialect((make) => {
  test('keys: private halves round-trip sealed; lookup by public key; never replaced; list has no private keys; a certificate kept per key', async () => {
    await withStore(make, async (store, h) => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' }));
      const pkcs8 = new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
      await store.keys.create({ name: 'owner', type: 'secp256r1', publicKey: spki, privateKey: pkcs8 });
      await store.keys.create({ name: 'peer', type: 'secp256r1', publicKey: Uint8Array.of(1, 2, 3) });
      await assert.rejects(store.keys.create({ name: 'owner', type: 'x', publicKey: spki }), hasCode('ERR_STORE_DUPLICATE'));
      const k = await store.keys.get('owner');
      assert.deepEqual(k?.privateKey, pkcs8);
      assert.deepEqual(k?.publicKey, spki);
      assert.equal((await store.keys.findByPublicKey(spki))?.name, 'owner');
      assert.equal(await store.keys.findByPublicKey(Uint8Array.of(9)), undefined);
      assert.equal((await store.keys.get('peer'))?.privateKey, undefined);
      const list = await store.keys.list();
      assert.deepEqual(
        list.map((x) => x.name),
        ['owner', 'peer'],
      );
      assert.ok(list.every((x) => !('privateKey' in x)));
      assert.equal(k?.certificate, undefined);
      await store.keys.setCertificate('owner', Uint8Array.of(0x30, 1, 0));
      await store.keys.setCertificate('owner', Uint8Array.of(0x30, 2, 0, 0));
      assert.deepEqual((await store.keys.get('owner'))?.certificate, Uint8Array.of(0x30, 2, 0, 0));
      await assert.rejects(store.keys.setCertificate('nobody', Uint8Array.of(0x30, 0)), hasCode('ERR_STORE_NOT_FOUND'));

      if (h.raw) {
        const rows = await h.raw("SELECT private_key FROM keys WHERE name = 'owner'");
        const raw = Buffer.from(rows[0]?.['private_key'] as Uint8Array);
        assert.notEqual(raw.length, 0);
        assert.equal(raw.includes(Buffer.from(pkcs8)), false, 'the PKCS#8 bytes are not in the column');
        assert.equal(raw.includes(Buffer.from(pkcs8.subarray(pkcs8.length - 32))), false, 'nor the scalar');
      }
    });
  });

  test('keys: migration 0008 moves key certificates out of the settings table into their key rows', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database that outlives one connection');
      const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x07);
      await atMigration(h.location, '0007-sealed-settings', async (db) => {
        await db
          .insertInto('keys')
          .values({ name: 'manufacturer-secp256r1', type: 'secp256r1', public_key: Uint8Array.of(1), fingerprint: 'f1', created_at: 1 })
          .execute();
        const setting = (key: string, value: unknown) => ({ scope: 'platform.keys', key, value: JSON.stringify(value), updated_at: 7 });
        await db
          .insertInto('settings')
          .values([
            setting('manufacturer-secp256r1.certificate', { der: Buffer.from(der).toString('base64') }),
            setting('manufacturer-gone.certificate', { der: Buffer.from(der).toString('base64') }),
            setting('manufacturer-secp384r1.certificate', { der: 42 }),
          ])
          .execute();
      });
      const store = await h.open(KEK);
      try {
        assert.deepEqual((await store.keys.get('manufacturer-secp256r1'))?.certificate, der);
        assert.deepEqual(
          (await store.settings.list('platform.keys')).items.map((i) => i.key),
          ['manufacturer-gone.certificate', 'manufacturer-secp384r1.certificate'],
          'a certificate of no stored key, and one not of the shape, stay where they were',
        );
        assert.deepEqual(await store.migrate(), []);
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
