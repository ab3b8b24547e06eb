import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('the served OpenAPI document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-openapi-'));
  let store: Store;
  const registered = new Set<string>();
  let app: ReturnType<typeof createApp>;
  before(async () => {
    store = await openStore({ path: join(dir, 'db.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    app = createApp({ api: { store, manufacturerKeys: [key], ownerKeys: [key] } });
    app.addHook('onRoute', (r) => {
      if (!r.url.startsWith('/api/v1/')) return;
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.add(`${m.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is served without a token as OpenAPI 3.1', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
    assert.equal((r.json() as { openapi: string }).openapi, '3.1.0');
  });

  test('describes exactly the registered /api/v1 routes, each secured unless public', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        documented.add(`${method} ${path}`);
        if (path !== '/api/v1/openapi.json') {
          assert.deepEqual(op.security, [{ bearer: [] }], `${method} ${path} is secured`);
          assert.ok(op.responses['401'] && op.responses['403'], `${method} ${path} documents 401 and 403`);
        }
      }
    }
    assert.ok(registered.size >= 9);
    assert.deepEqual([...registered].sort(), [...documented].sort());
  });

  test('without the rendezvous role, registering is refused with its own code', async () => {
    const { createApiToken } = await import('../../../src/platform/tokens.ts');
    const token = await createApiToken(store, { name: 'owner', roles: ['owner'] });
    const guid = new Uint8Array(16).fill(7);
    await store.vouchers.put({ side: 'owner', guid, voucher: new Uint8Array([0x80]), state: 'imported' });
    const r = await app.inject({
      method: 'POST',
      url: `/api/v1/owner/vouchers/${Buffer.from(guid).toString('hex')}/register`,
      headers: { authorization: `Bearer ${token.secret}` },
    });
    assert.equal(r.statusCode, 409);
    assert.equal((r.json() as { code: string }).code, 'ERR_API_NO_RENDEZVOUS');
  });

  test('every schema reference resolves', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = r.json() as { components: { schemas: Record<string, unknown> } };
    for (const [, name] of r.body.matchAll(/"#\/components\/schemas\/(\w+)"/g)) assert.ok(doc.components.schemas[name as string], name);
  });
});
