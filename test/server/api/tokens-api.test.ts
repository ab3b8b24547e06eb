import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

interface TokenItem {
  id: string;
  name: string;
  roles: string[];
  createdAt: string;
  revokedAt?: string;
  secret?: string;
}

describe('management API: tokens over HTTP', () => {
  let w: ApiWorld;
  before(async () => {
    w = await startApiWorld();
  });
  after(() => w.close());

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    w.platform.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

  async function allTokens(token = w.tokens.admin): Promise<TokenItem[]> {
    const items: TokenItem[] = [];
    let cursor: string | undefined;
    do {
      const r = await call('GET', `/tokens?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`, token);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as { items: TokenItem[]; next?: string };
      assert.ok(page.items.length <= 2);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    return items;
  }

  test('admins list tokens page by page, never with a secret or its hash', async () => {
    const items = await allTokens();
    assert.deepEqual(items.map((t) => t.name).sort(), ['auditor', 'first admin', 'manufacturer', 'owner', 'rendezvous']);
    for (const t of items) {
      assert.deepEqual(Object.keys(t).sort(), ['createdAt', 'id', 'name', 'roles']);
      assert.ok(!JSON.stringify(t).includes('iotopia_'));
    }
    const owner = await call('GET', '/tokens', w.tokens.owner);
    assert.equal(owner.statusCode, 403);
    assert.equal((owner.json() as { code: string }).code, 'ERR_API_FORBIDDEN');
  });

  test('create answers 201 with the secret once; the secret works; the audit log names the creating token', async () => {
    const r = await call('POST', '/tokens', w.tokens.admin, { name: 'ops', roles: ['auditor', 'owner', 'auditor'] });
    assert.equal(r.statusCode, 201, r.body);
    const made = r.json() as TokenItem;
    assert.deepEqual(made.roles, ['auditor', 'owner']);
    assert.match(made.secret ?? '', /^iotopia_/);
    const audit = await call('GET', `/audit?subject=token:${made.id}`, made.secret ?? '');
    assert.equal(audit.statusCode, 200, audit.body);
    const records = (audit.json() as { items: { action: string; actor: string; details: { roles: string[] } }[] }).items;
    const adminId = (await allTokens()).find((t) => t.name === 'first admin')?.id;
    assert.deepEqual(
      records.map((a) => [a.action, a.actor]),
      [['token.created', `token:${adminId}`]],
    );
    const listed = (await allTokens()).find((t) => t.id === made.id);
    assert.deepEqual(listed, { id: made.id, name: 'ops', roles: ['auditor', 'owner'], createdAt: made.createdAt });
    const notAdmin = await call('POST', '/tokens', made.secret ?? '', { name: 'x', roles: ['admin'] });
    assert.equal(notAdmin.statusCode, 403, 'an owner/auditor token cannot make an admin token');
  });

  test('create refuses bad names and roles, naming the field', async () => {
    const cases: [object, string][] = [
      [{ roles: ['owner'] }, 'name'],
      [{ name: '', roles: ['owner'] }, 'name'],
      [{ name: 'x'.repeat(101), roles: ['owner'] }, 'name'],
      [{ name: 'n' }, 'roles'],
      [{ name: 'n', roles: [] }, 'roles'],
      [{ name: 'n', roles: ['root'] }, 'roles'],
      [{ name: 'n', roles: [7] }, 'roles'],
      [['n'], 'body'],
    ];
    for (const [payload, field] of cases) {
      const r = await call('POST', '/tokens', w.tokens.admin, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      const p = r.json() as { code: string; field: string };
      assert.equal(p.code, 'ERR_API_VALIDATION');
      assert.equal(p.field, field, JSON.stringify(payload));
    }
    assert.equal((await allTokens()).filter((t) => t.name === 'n').length, 0);
  });

  test('revoking your own token works, and the next call with it is 401', async () => {
    const made = (await call('POST', '/tokens', w.tokens.admin, { name: 'short-lived', roles: ['admin'] })).json() as TokenItem;
    const secret = made.secret ?? assert.fail('no secret');
    const r = await call('POST', `/tokens/${made.id}/revoke`, secret);
    assert.equal(r.statusCode, 200, r.body);
    const revoked = r.json() as TokenItem;
    assert.ok(revoked.revokedAt !== undefined && !Number.isNaN(Date.parse(revoked.revokedAt)));
    assert.equal(revoked.secret, undefined);
    const next = await call('GET', '/tokens', secret);
    assert.equal(next.statusCode, 401);
    assert.equal((next.json() as { code: string }).code, 'ERR_API_TOKEN_REVOKED');
    const again = await call('POST', `/tokens/${made.id}/revoke`, w.tokens.admin);
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as TokenItem).revokedAt, revoked.revokedAt, 'revoking twice keeps the first time');
    const audit = (await call('GET', `/audit?subject=token:${made.id}`, w.tokens.auditor)).json() as {
      items: { action: string; actor: string }[];
    };
    assert.deepEqual(
      audit.items.map((a) => a.action),
      ['token.created', 'token.revoked', 'token.revoked'],
    );
    assert.equal(audit.items[1]?.actor, `token:${made.id}`);
  });

  test('revoking an unknown or malformed id is refused', async () => {
    const unknown = await call('POST', '/tokens/0123456789abcdef/revoke', w.tokens.admin);
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { code: string }).code, 'ERR_API_NOT_FOUND');
    const bad = await call('POST', '/tokens/not-an-id!/revoke', w.tokens.admin);
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { field: string }).field, 'id');
  });
});
