import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { hasCode, withStore } from './shared.ts';

forEachDialect((make) => {
  test('keys: private halves round-trip sealed; lookup by public key; never replaced; list has no private keys', async () => {
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

      if (h.raw) {
        const rows = await h.raw("SELECT private_key FROM keys WHERE name = 'owner'");
        const raw = Buffer.from(rows[0]?.['private_key'] as Uint8Array);
        assert.notEqual(raw.length, 0);
        assert.equal(raw.includes(Buffer.from(pkcs8)), false, 'the PKCS#8 bytes are not in the column');
        assert.equal(raw.includes(Buffer.from(pkcs8.subarray(pkcs8.length - 32))), false, 'nor the scalar');
      }
    });
  });
});
