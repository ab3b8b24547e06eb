import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, revokeApiToken } from '../../../src/platform/tokens.ts';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import { testConfig } from '../../helpers/platform.ts';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

describe('management API authentication and roles', () => {
  let w: ApiWorld;
  before(async () => {
    w = await startApiWorld();
  });
  after(() => w.close());

  const problem = (r: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    const p = JSON.parse(r.body) as { type: string; title: string; status: number; detail: string; code: string; field?: string };
    assert.equal(p.status, r.statusCode);
    assert.ok(p.type !== '' && p.title !== '' && p.detail !== '');
    return p;
  };

  test('no token, a malformed header, an unknown token: 401 problems with their codes', async () => {
    const none = await w.platform.app.inject({ method: 'GET', url: '/api/v1/devices' });
    assert.equal(none.statusCode, 401);
    assert.equal(problem(none).code, 'ERR_API_TOKEN_MISSING');
    assert.equal(problem(none).field, 'Authorization');
    const basic = await w.platform.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: 'Basic eDp5' } });
    assert.equal(problem(basic).code, 'ERR_API_TOKEN_MISSING');
    const wrong = await w.platform.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer('iotopia_nope') });
    assert.equal(wrong.statusCode, 401);
    assert.equal(problem(wrong).code, 'ERR_API_TOKEN_UNKNOWN');
  });

  test('a revoked token is refused', async () => {
    const t = await createApiToken(w.platform.store, { name: 'short-lived', roles: ['owner'] });
    assert.equal((await w.platform.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer(t.secret) })).statusCode, 200);
    await revokeApiToken(w.platform.store, t.id);
    const r = await w.platform.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer(t.secret) });
    assert.equal(r.statusCode, 401);
    assert.equal(problem(r).code, 'ERR_API_TOKEN_REVOKED');
  });

  test('each role reaches its routes only; admin reaches all', async () => {
    const cases: [string, keyof ApiWorld['tokens'], number][] = [
      ['/api/v1/devices', 'owner', 200],
      ['/api/v1/devices', 'manufacturer', 403],
      ['/api/v1/devices', 'auditor', 403],
      ['/api/v1/owner/vouchers', 'owner', 200],
      ['/api/v1/owner/vouchers', 'rendezvous', 403],
      ['/api/v1/manufacturer/vouchers', 'manufacturer', 200],
      ['/api/v1/manufacturer/vouchers', 'owner', 403],
      ['/api/v1/audit', 'auditor', 200],
      ['/api/v1/audit', 'owner', 403],
    ];
    for (const [url, role, status] of cases) {
      const r = await w.platform.app.inject({ method: 'GET', url, headers: bearer(w.tokens[role]) });
      assert.equal(r.statusCode, status, `${role} ${url}`);
      if (status === 403) assert.equal(problem(r).code, 'ERR_API_FORBIDDEN');
      const admin = await w.platform.app.inject({ method: 'GET', url, headers: bearer(w.tokens.admin) });
      assert.equal(admin.statusCode, 200, `admin ${url}`);
    }
  });

  test('the store keeps only the hash of a secret', async () => {
    const t = await createApiToken(w.platform.store, { name: 'hashed', roles: ['auditor'] });
    const record = await w.platform.store.apiTokens.get(t.id);
    assert.equal(record?.secretHash, hashSecret(t.secret));
    assert.ok(!JSON.stringify(record).includes(t.secret));
  });

  test('an unknown route under /api/v1 is a 404 problem; the OpenAPI document needs no token', async () => {
    const r = await w.platform.app.inject({ method: 'GET', url: '/api/v1/nope', headers: bearer(w.tokens.admin) });
    assert.equal(r.statusCode, 404);
    assert.equal(problem(r).code, 'ERR_API_NOT_FOUND');
    assert.equal((await w.platform.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode, 200);
  });

  test('the first admin token is made once: a restart on the same data makes none', async () => {
    const { startPlatform } = await import('../../../src/server/platform/platform.ts');
    const { join } = await import('node:path');
    await w.platform.close();
    const again = await startPlatform(testConfig({ dataDir: join(w.dir, 'server'), autoOwner: false }));
    assert.equal(again.firstAdminToken, undefined);
    w.platform = again;
  });
});
