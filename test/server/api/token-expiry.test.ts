/**
 * API tokens may expire: a token made with `expiresAt` works until then and is refused with a 401
 * problem from then on, like a revoked one. Answers are never cached (`Cache-Control: no-store`,
 * above all the one holding a new token's secret), and a 403 names the roles the route needs, not
 * the roles of the token that was refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { bearer, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

describe('token expiry, no-store answers and 403 details', () => {
  let now = new Date('2030-01-01T00:00:00Z');
  let tp: TestPlatform;
  let admin: string;
  before(async () => {
    tp = await startTestPlatform('iotopia-token-expiry-', {}, { clock: () => now });
    admin = tp.platform.firstAdminToken ?? assert.fail('no first admin token');
  });
  after(() => tp.close());
  const inject = (method: 'GET' | 'POST', url: string, secret: string, payload?: Record<string, unknown>) =>
    tp.platform.app.inject({ method, url: `/api/v1${url}`, headers: bearer(secret), ...(payload === undefined ? {} : { payload }) });

  test('a token made with expiresAt works until that moment and then gets 401 ERR_API_TOKEN_EXPIRED; one without expiry goes on', async () => {
    const expiresAt = new Date(now.getTime() + 3600_000).toISOString();
    const made = await inject('POST', '/tokens', admin, { name: 'ci', roles: ['owner'], expiresAt });
    assert.equal(made.statusCode, 201, made.body);
    const t = made.json() as { id: string; secret: string; expiresAt?: string };
    assert.equal(t.expiresAt, expiresAt);
    const forever = await createApiToken(tp.platform.store, { name: 'forever', roles: ['owner'] });

    assert.equal((await inject('GET', '/devices', t.secret)).statusCode, 200);
    now = new Date(now.getTime() + 3600_000 - 1);
    assert.equal((await inject('GET', '/devices', t.secret)).statusCode, 200, 'one millisecond before the expiry it still works');
    now = new Date(now.getTime() + 1);
    const refused = await inject('GET', '/devices', t.secret);
    assert.equal(refused.statusCode, 401);
    assert.equal((refused.json() as { code: string }).code, 'ERR_API_TOKEN_EXPIRED');
    assert.equal((await inject('GET', '/devices', forever.secret)).statusCode, 200, 'the control: a token without expiry still works');

    const listed = (await inject('GET', '/tokens', admin)).json() as { items: { id: string; expiresAt?: string }[] };
    assert.equal(listed.items.find((i) => i.id === t.id)?.expiresAt, expiresAt);
    assert.equal(listed.items.find((i) => i.id === forever.id)?.expiresAt, undefined);
    const audit = await tp.platform.store.audit.list({ subject: `token:${t.id}` });
    assert.equal(audit.items[0]?.details['expiresAt'], expiresAt);
  });

  test('an expiry in the past, a duration or a time without offset is a 400 naming expiresAt', async () => {
    for (const expiresAt of [new Date(now.getTime() - 1000).toISOString(), '30d', '2031-01-01T00:00:00', '2051-01-01T00:00:00Z', 'soon']) {
      const r = await inject('POST', '/tokens', admin, { name: 'bad', roles: ['owner'], expiresAt });
      assert.equal(r.statusCode, 400, expiresAt);
      const p = r.json() as { code: string; field?: string };
      assert.deepEqual([p.code, p.field], ['ERR_API_VALIDATION', 'expiresAt'], expiresAt);
    }
  });

  test('POST /tokens (the secret), lists and problems are sent with Cache-Control: no-store', async () => {
    const made = await inject('POST', '/tokens', admin, { name: 'cached?', roles: ['auditor'] });
    assert.equal(made.statusCode, 201);
    assert.ok((made.json() as { secret: string }).secret.startsWith('iotopia_'));
    assert.equal(made.headers['cache-control'], 'no-store');
    assert.equal((await inject('GET', '/tokens', admin)).headers['cache-control'], 'no-store');
    assert.equal((await inject('GET', '/owner/serviceinfo', admin)).headers['cache-control'], 'no-store');
    assert.equal((await inject('GET', '/devices', 'iotopia_unknown')).headers['cache-control'], 'no-store');
  });

  test("a 403 names the roles the route needs and not the token's own", async () => {
    const auditor = await createApiToken(tp.platform.store, { name: 'auditor', roles: ['auditor', 'rendezvous'] });
    const r = await inject('GET', '/devices', auditor.secret);
    assert.equal(r.statusCode, 403);
    const p = r.json() as { code: string; detail: string };
    assert.equal(p.code, 'ERR_API_FORBIDDEN');
    assert.match(p.detail, /needs one of the roles admin, owner/);
    assert.doesNotMatch(r.body, /auditor|rendezvous/, 'the caller learns nothing about its own token');
  });
});
