/** Sealed columns under the key-encryption key: a wrong key, a moved value, rekey. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { hasCode, KEK, OTHER_KEK } from './shared.ts';

forEachDialect((make) => {
  test('encryption at rest: a wrong key-encryption key is refused at open; a sealed value moved to another row does not open', async (t) => {
    const h = await make();
    try {
      if (!h.shared || !h.raw) return t.skip('needs a database two opens share');
      const store = await h.open(KEK);
      await store.keys.create({ name: 'a', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(1, 1, 1) });
      await store.keys.create({ name: 'b', type: 't', publicKey: Uint8Array.of(2), privateKey: Uint8Array.of(2, 2, 2) });
      await store.close();
      await assert.rejects(h.open(OTHER_KEK), hasCode('ERR_STORE_KEK_MISMATCH'));
      await assert.rejects(h.open(new Uint8Array(16)), TypeError);
      await h.raw("UPDATE keys SET private_key = (SELECT private_key FROM keys WHERE name = 'a') WHERE name = 'b'");
      const again = await h.open(KEK);
      try {
        assert.deepEqual((await again.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
        await assert.rejects(again.keys.get('b'), hasCode('ERR_STORE_DECRYPT'));
      } finally {
        await again.close();
      }
    } finally {
      await h.destroy();
    }
  });

  test('rekey: every sealed column moves to the new key-encryption key in one go; the old key no longer opens the database', async () => {
    const h = await make();
    try {
      const store = await h.open(KEK);
      const expiresAt = new Date(Date.now() + 60_000);
      await store.keys.create({ name: 'a', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(1, 1, 1) });
      await store.keys.create({ name: 'pub', type: 't', publicKey: Uint8Array.of(2) });
      await store.sessions.create('tok', { role: 'owner', protocol: 'to2', state: { k: 'secret' }, expiresAt });
      const before = h.raw ? await h.raw("SELECT private_key FROM keys WHERE name = 'a'") : [];
      await store.rekey(OTHER_KEK);
      assert.deepEqual((await store.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
      const session = await store.sessions.get('tok');
      assert.deepEqual(session?.state, { k: 'secret' });
      assert.equal(session?.version, 2, 'a replica that read version 1 under the old key cannot write it back');
      await assert.rejects(store.rekey(new Uint8Array(3)), TypeError);
      if (h.raw) {
        const after = await h.raw("SELECT private_key FROM keys WHERE name = 'a'");
        assert.notDeepEqual(after[0]?.['private_key'], before[0]?.['private_key']);
      }
      await store.close();
      if (!h.shared) return;
      await assert.rejects(h.open(KEK), hasCode('ERR_STORE_KEK_MISMATCH'));
      const again = await h.open(OTHER_KEK);
      assert.deepEqual((await again.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
      assert.deepEqual((await again.sessions.get('tok'))?.state, { k: 'secret' });
      await again.close();
    } finally {
      await h.destroy();
    }
  });

  test('rekey: sealed settings move to the new key-encryption key too, plain ones stay as they are', async () => {
    const h = await make();
    try {
      const store = await h.open(KEK);
      await store.settings.putSealed('owner.serviceinfo', 'wifi', { password: 'hunter2' });
      await store.settings.put('owner.serviceinfo', 'note', 'plain');
      const before = h.raw ? await h.raw("SELECT value FROM settings WHERE key = 'wifi'") : [];
      await store.rekey(OTHER_KEK);
      assert.deepEqual(await store.settings.get('owner.serviceinfo', 'wifi'), { password: 'hunter2' });
      assert.equal(await store.settings.get('owner.serviceinfo', 'note'), 'plain');
      if (h.raw) {
        const after = await h.raw("SELECT value FROM settings WHERE key = 'wifi'");
        assert.notEqual(after[0]?.['value'], before[0]?.['value']);
      }
      await store.close();
      if (!h.shared) return;
      const again = await h.open(OTHER_KEK);
      try {
        assert.deepEqual(await again.settings.get('owner.serviceinfo', 'wifi'), { password: 'hunter2' });
      } finally {
        await again.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
