import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

describe('management API: GET /me', () => {
  let w: ApiWorld;
  before(async () => {
    w = await startApiWorld();
  });
  after(() => w.close());

  test('any valid token reads itself: id, name and roles, never its secret', async () => {
    for (const [name, role] of [
      ['auditor', 'auditor'],
      ['owner', 'owner'],
      ['rendezvous', 'rendezvous'],
    ] as const) {
      const r = await w.platform.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(w.tokens[role]) });
      assert.equal(r.statusCode, 200, r.body);
      const me = r.json() as Record<string, unknown>;
      assert.equal(me['name'], name);
      assert.deepEqual(me['roles'], [role]);
      assert.deepEqual(Object.keys(me).sort(), ['createdAt', 'id', 'name', 'roles']);
      assert.ok(!r.body.includes(w.tokens[role]));
    }
  });

  test('without a token, or with an unknown one, it is refused like every route', async () => {
    const none = await w.platform.app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(none.statusCode, 401);
    assert.equal((none.json() as { code: string }).code, 'ERR_API_TOKEN_MISSING');
    const unknown = await w.platform.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer('iotopia_nope') });
    assert.equal((unknown.json() as { code: string }).code, 'ERR_API_TOKEN_UNKNOWN');
  });
});
