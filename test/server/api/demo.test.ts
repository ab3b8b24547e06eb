/** GET /api/v1/demo: any token reads the demo's state; a server that is not a demo says so. */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../../src/platform/tokens.ts';
import type { DemoView } from '../../../src/server/api/demo.ts';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';

describe('GET /api/v1/demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-demo-route-'));
  let store: Store;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const view: DemoView = { demo: true, intentMode: 'simulated', phase: 'seeding', step: 'onboarding', counts: { devices: 3 } };
  let demoApp: ReturnType<typeof createApp>;
  let plainApp: ReturnType<typeof createApp>;
  let auditor: string;

  before(async () => {
    store = await openStore({ path: join(dir, 'db.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
    demoApp = createApp({ api: { store, manufacturerKeys: [key], ownerKeys: [key], demo: { view: () => view } } });
    plainApp = createApp({ api: { store, manufacturerKeys: [key], ownerKeys: [key] } });
    auditor = (await createApiToken(store, { name: 'reader', roles: ['auditor'] })).secret;
  });
  after(async () => {
    await demoApp.close();
    await plainApp.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (app: ReturnType<typeof createApp>, token?: string) =>
    app.inject({ method: 'GET', url: '/api/v1/demo', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  test('answers the demo state to any token', async () => {
    const r = await get(demoApp, auditor);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), view);
  });

  test('needs a token', async () => {
    assert.equal((await get(demoApp)).statusCode, 401);
  });

  test('answers { demo: false } and nothing else on a server that is not a demo', async () => {
    const r = await get(plainApp, auditor);
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { demo: false });
  });
});
