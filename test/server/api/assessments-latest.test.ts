import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assessmentService } from '../../../src/compliance/assessment/assessment-service.ts';
import { latestAssessments } from '../../../src/compliance/assessment/latest-assessments.ts';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { createApp } from '../../../src/server/app.ts';
import { type ServiceWorld, serviceWorld } from '../../compliance/assessment/service-world.ts';

type App = ReturnType<typeof createApp>;

describe('GET /api/v1/assessments/latest', () => {
  let w: ServiceWorld;
  let app: App;
  let maker: string;
  let auditor: string;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  before(async () => {
    w = await serviceWorld();
    app = createApp({ api: { store: w.store, manufacturerKeys: [key], ownerKeys: [key], assessments: assessmentService(w.deps) } });
    maker = (await createApiToken(w.store, { name: 'maker', roles: ['manufacturer'] })).secret;
    auditor = (await createApiToken(w.store, { name: 'auditor', roles: ['auditor'] })).secret;
    await app.ready();
  });
  after(async () => {
    await app.close();
    await w.store.close();
  });
  const call = (method: 'GET' | 'POST', url: string, token = maker, body?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  const assess = async (target: Record<string, string>) => {
    w.advance(1000);
    const r = await call('POST', '/assessments', maker, { product: 'bulb', ...target });
    assert.equal(r.statusCode, 201, r.body);
    return (r.json() as { id: string }).id;
  };

  test('answers the newest assessment per market and per catalog assessed alone, newest first', async () => {
    const empty = await call('GET', '/assessments/latest?product=bulb', auditor);
    assert.equal(empty.statusCode, 200, empty.body);
    assert.deepEqual(empty.json(), { items: [], complete: true });
    await assess({ market: 'eu' });
    const uk = await assess({ market: 'uk' });
    const eu = await assess({ market: 'eu' });
    const cat = await assess({ catalog: 'test-cat' });
    const r = await call('GET', '/assessments/latest?product=bulb', auditor);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json() as { items: { id: string; market?: string; catalogs: string[]; summary: { met: number } }[]; complete: boolean };
    assert.deepEqual(
      body.items.map((a) => [a.id, a.market ?? null, a.catalogs]),
      [
        [cat, null, ['test-cat']],
        [eu, 'eu', ['test-cat']],
        [uk, 'uk', ['test-cat', 'other-cat']],
      ],
    );
    assert.equal(body.complete, true);
    assert.equal(typeof body.items[0]?.summary.met, 'number');
  });

  test('stops at its bound and says so', async () => {
    const some = await latestAssessments(w.store.assessments, 'bulb', 2);
    assert.equal(some.complete, false);
    assert.equal(some.items.length, 2);
    const all = await latestAssessments(w.store.assessments, 'bulb');
    assert.equal(all.complete, true);
    assert.equal(all.items.length, 3);
  });

  test('refuses an unknown product, a missing one, and a caller without a compliance role', async () => {
    const unknown = await call('GET', '/assessments/latest?product=lamp', auditor);
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { code: string }).code, 'ERR_ASSESSMENT_UNKNOWN_PRODUCT');
    const missing = await call('GET', '/assessments/latest', auditor);
    assert.equal(missing.statusCode, 400);
    assert.equal((missing.json() as { code: string }).code, 'ERR_API_VALIDATION');
    const rv = (await createApiToken(w.store, { name: 'rv', roles: ['rendezvous'] })).secret;
    assert.equal((await call('GET', '/assessments/latest?product=bulb', rv)).statusCode, 403);
  });
});
