import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('API tokens: stored by hash, found by hash, revoked once, unique, paged', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const secret = randomBytes(32).toString('base64url');
        await store.apiTokens.create({ id: 't1', name: 'admin', roles: ['admin'], secretHash: hashSecret(secret) });
        await store.apiTokens.create({ id: 't2', name: 'ci', roles: ['owner', 'auditor'], secretHash: hashSecret('other') });
        await assert.rejects(
          store.apiTokens.create({ id: 't3', name: 'x', roles: [], secretHash: hashSecret(secret) }),
          hasCode('ERR_STORE_DUPLICATE'),
        );
        await assert.rejects(store.apiTokens.create({ id: 't1', name: 'x', roles: [], secretHash: 'h' }), hasCode('ERR_STORE_DUPLICATE'));
        const t = await store.apiTokens.findBySecretHash(hashSecret(secret));
        assert.deepEqual(t, { id: 't1', name: 'admin', roles: ['admin'], secretHash: hashSecret(secret), createdAt: new Date(c.now()) });
        assert.equal(await store.apiTokens.findBySecretHash(hashSecret('nope')), undefined);
        c.advance(1000);
        await store.apiTokens.revoke('t2');
        c.advance(1000);
        await store.apiTokens.revoke('t2');
        assert.equal((await store.apiTokens.get('t2'))?.revokedAt?.getTime(), c.now() - 1000);
        assert.deepEqual((await store.apiTokens.get('t2'))?.roles, ['owner', 'auditor']);
        await assert.rejects(store.apiTokens.revoke('t9'), hasCode('ERR_STORE_NOT_FOUND'));
        const pages = await drain((after) => store.apiTokens.list({ limit: 1, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.id)),
          [['t1'], ['t2']],
        );
      },
      c.clock,
    );
  });

  test('API tokens: an expiry is stored to the millisecond and read back everywhere; none means no expiry', async () => {
    await withStore(make, async (store) => {
      const expiresAt = new Date('2031-02-03T04:05:06.789Z');
      const made = await store.apiTokens.create({ id: 'e1', name: 'ci', roles: ['owner'], secretHash: hashSecret('e1'), expiresAt });
      assert.equal(made.expiresAt?.toISOString(), expiresAt.toISOString());
      await store.apiTokens.create({ id: 'e2', name: 'forever', roles: ['owner'], secretHash: hashSecret('e2') });
      assert.equal((await store.apiTokens.get('e1'))?.expiresAt?.toISOString(), expiresAt.toISOString());
      assert.equal((await store.apiTokens.findBySecretHash(hashSecret('e1')))?.expiresAt?.getTime(), expiresAt.getTime());
      assert.equal('expiresAt' in ((await store.apiTokens.get('e2')) ?? {}), false);
      const listed = await store.apiTokens.list();
      assert.deepEqual(
        listed.items.map((t) => [t.id, t.expiresAt?.getTime()]),
        [
          ['e1', expiresAt.getTime()],
          ['e2', undefined],
        ],
      );
    });
  });
});
