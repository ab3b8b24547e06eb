import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { MAX_MUD_FILE_BYTES, MAX_MUD_SIGNATURE_BYTES } from '../../../src/store/mud-file-repository.ts';
import { forEachDialect } from './dialects.ts';
import { atMigration, drain, hasCode, KEK, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('mud files: bytes kept exactly, digests, replace keeps the first publication time, paged without bytes, limits', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const file = (name: string, content: Uint8Array, signature: Uint8Array = randomBytes(300)) => ({
          name,
          content,
          signature: new Uint8Array(signature),
          cacheValidity: 24,
          mudUrl: `https://mud.example/${name}`,
          signer: 'O=Example, CN=mud.example',
        });
        const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');
        assert.equal(await store.mudFiles.get('bulb.json'), undefined);
        // The largest file and signature the store keeps, with every byte value, survive byte for byte.
        const big = new Uint8Array(MAX_MUD_FILE_BYTES).map((_, i) => (i * 7) & 0xff);
        const bigSig = new Uint8Array(MAX_MUD_SIGNATURE_BYTES).map((_, i) => (i * 13) & 0xff);
        const stored = await store.mudFiles.put(file('bulb.json', big, bigSig));
        assert.equal(stored.contentDigest, sha(big));
        assert.equal(stored.signatureDigest, sha(bigSig));
        assert.deepEqual([stored.contentBytes, stored.signatureBytes], [big.length, bigSig.length]);
        assert.equal(stored.publishedAt.getTime(), c.now());
        const got = await store.mudFiles.get('bulb.json');
        assert.ok(got !== undefined);
        assert.ok(Buffer.from(got.content).equals(Buffer.from(big)));
        assert.ok(Buffer.from(got.signature).equals(Buffer.from(bigSig)));
        assert.deepEqual(
          [got.cacheValidity, got.mudUrl, got.signer, got.contentDigest],
          [24, 'https://mud.example/bulb.json', 'O=Example, CN=mud.example', sha(big)],
        );
        const first = c.now();
        c.advance(60_000);
        const replaced = await store.mudFiles.put({ ...file('bulb.json', Uint8Array.of(1, 2, 3)), cacheValidity: 168 });
        assert.equal(replaced.publishedAt.getTime(), first);
        assert.equal(replaced.updatedAt.getTime(), c.now());
        const again = await store.mudFiles.get('bulb.json');
        assert.deepEqual(again?.content, Uint8Array.of(1, 2, 3));
        assert.equal(again?.cacheValidity, 168);
        assert.equal(again?.contentDigest, sha(Uint8Array.of(1, 2, 3)));

        for (const n of ['c.json', 'a.json', 'b']) await store.mudFiles.put(file(n, Uint8Array.of(n.charCodeAt(0))));
        const pages = await drain((after) => store.mudFiles.list({ limit: 3, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.name)),
          [['a.json', 'b', 'bulb.json'], ['c.json']],
        );
        assert.ok(pages.flat().every((x) => !('content' in x) && !('signature' in x)));
        assert.equal(pages[0]?.[2]?.contentBytes, 3);

        assert.equal(await store.mudFiles.delete('b'), true);
        assert.equal(await store.mudFiles.delete('b'), false);
        assert.equal(await store.mudFiles.get('b'), undefined);
        assert.equal(await store.mudFiles.delete('../x'), false);
        assert.equal(await store.mudFiles.get('../x'), undefined);

        await assert.rejects(
          store.mudFiles.put(file('x.json', new Uint8Array(MAX_MUD_FILE_BYTES + 1))),
          hasCode('ERR_STORE_MUD_FILE_TOO_LARGE'),
        );
        await assert.rejects(
          store.mudFiles.put(file('x.json', Uint8Array.of(1), new Uint8Array(MAX_MUD_SIGNATURE_BYTES + 1))),
          hasCode('ERR_STORE_MUD_FILE_TOO_LARGE'),
        );
        for (const bad of ['', 'x.p7s', '../x.json', 'a/b', '.hidden', 'x'.repeat(129)])
          await assert.rejects(store.mudFiles.put(file(bad, Uint8Array.of(1))), hasCode('ERR_STORE_MUD_FILE_NAME'), bad);
        await assert.rejects(store.mudFiles.put({ ...file('x.json', Uint8Array.of(1)), cacheValidity: 169 }), TypeError);
        assert.equal(await store.mudFiles.get('x.json'), undefined);
        await assert.rejects(
          store.transaction(async (r) => {
            await r.mudFiles.put(file('t.json', Uint8Array.of(9)));
            await r.mudFiles.delete('a.json');
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await store.mudFiles.get('t.json'), undefined);
        assert.ok(await store.mudFiles.get('a.json'));
      },
      c.clock,
    );
  });

  test('mud files published into settings before the table (scope mud) move to it once at open; other records stay', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database that outlives one connection');
      const content = randomBytes(5000);
      const signature = randomBytes(700);
      const record = {
        name: 'bulb.json',
        content: content.toString('base64'),
        signature: signature.toString('base64'),
        contentEtag: '"x"',
        signatureEtag: '"y"',
        cacheValidity: 12,
        mudUrl: 'https://mud.example/bulb.json',
        signer: 'CN=mud.example',
        publishedAt: '2029-05-01T10:00:00.000Z',
      };
      await atMigration(h.location, '0004-settings', async (db) => {
        const setting = (scope: string, key: string, value: unknown) => ({ scope, key, value: JSON.stringify(value), updated_at: 1 });
        await db
          .insertInto('settings')
          .values([
            setting('mud', 'bulb.json', record),
            setting('mud', 'broken.json', { content: 42 }),
            setting('owner', 'bulb.json', { keep: true }),
          ])
          .execute();
      });
      const store = await h.open(KEK);
      try {
        const moved = await store.mudFiles.get('bulb.json');
        assert.ok(moved !== undefined);
        assert.ok(Buffer.from(moved.content).equals(content));
        assert.ok(Buffer.from(moved.signature).equals(signature));
        assert.equal(moved.contentDigest, createHash('sha256').update(content).digest('base64url'));
        assert.deepEqual(
          [moved.cacheValidity, moved.mudUrl, moved.signer, moved.publishedAt.toISOString(), moved.updatedAt.toISOString()],
          [12, record.mudUrl, record.signer, record.publishedAt, record.publishedAt],
        );
        assert.deepEqual(
          (await store.settings.list('mud')).items.map((i) => i.key),
          ['broken.json'],
        );
        assert.deepEqual(await store.settings.get('owner', 'bulb.json'), { keep: true });
        assert.deepEqual(
          (await store.mudFiles.list()).items.map((i) => i.name),
          ['bulb.json'],
        );
        // Running the migrations again (and reopening) moves nothing twice and loses nothing.
        assert.deepEqual(await store.migrate(), []);
      } finally {
        await store.close();
      }
      const reopened = await h.open(KEK);
      try {
        assert.equal((await reopened.mudFiles.list()).items.length, 1);
        assert.equal((await reopened.settings.list('mud')).items.length, 1);
      } finally {
        await reopened.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
