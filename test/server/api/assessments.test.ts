import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assessmentService } from '../../../src/compliance/assessment/assessment-service.ts';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { createApp } from '../../../src/server/app.ts';
import { PROBE, rule } from '../../compliance/assessment/fixtures.ts';
import { type ServiceWorld, serviceWorld } from '../../compliance/assessment/service-world.ts';

type App = ReturnType<typeof createApp>;

describe('/api/v1/assessments and /api/v1/products/{model}/manual-evidence|probes', () => {
  let w: ServiceWorld;
  let app: App;
  let bare: App;
  let maker: string;
  let auditor: string;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  before(async () => {
    w = await serviceWorld();
    app = createApp({ api: { store: w.store, manufacturerKeys: [key], ownerKeys: [key], assessments: assessmentService(w.deps) } });
    bare = createApp({ api: { store: w.store, manufacturerKeys: [key], ownerKeys: [key] } });
    maker = (await createApiToken(w.store, { name: 'maker', roles: ['manufacturer'] })).secret;
    auditor = (await createApiToken(w.store, { name: 'auditor', roles: ['auditor'] })).secret;
    await app.ready();
    await bare.ready();
  });
  after(async () => {
    await app.close();
    await bare.close();
    await w.store.close();
  });
  const call = (method: 'GET' | 'POST', url: string, token = maker, body?: unknown, on = app) =>
    on.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  test('assess, list newest first, read, diff', async () => {
    const first = await call('POST', '/assessments', maker, { product: 'bulb', market: 'uk' });
    assert.equal(first.statusCode, 201, first.body);
    const a = first.json() as { id: string; market: string; at: string; summary: Record<string, number> };
    assert.equal(a.market, 'uk');
    assert.equal(typeof a.at, 'string');
    w.advance(1000);
    w.rules.set('sbom-present', rule('sbom-present', 'met', 'an SBOM now'));
    const b = (await call('POST', '/assessments', maker, { product: 'bulb', catalog: 'test-cat' })).json() as { id: string };
    const list = await call('GET', '/assessments?product=bulb&limit=1', auditor);
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json() as { items: { id: string; catalogs: string[] }[]; next: string };
    assert.deepEqual(
      page.items.map((x) => [x.id, x.catalogs]),
      [[b.id, ['test-cat']]],
    );
    const rest = (await call('GET', `/assessments?product=bulb&cursor=${page.next}`, auditor)).json() as { items: { id: string }[] };
    assert.deepEqual(
      rest.items.map((x) => x.id),
      [a.id],
    );
    const one = await call('GET', `/assessments/${a.id}`, auditor);
    assert.deepEqual(one.json(), first.json());
    const diff = await call('GET', `/assessments/${a.id}/diff/${b.id}`, auditor);
    assert.equal(diff.statusCode, 200, diff.body);
    const changes = (diff.json() as { changes: { provision: string; why: string }[] }).changes;
    assert.ok(changes.some((c) => c.provision === 'P-not' && c.why.includes('sbom-present not-met → met')));
    assert.ok(changes.some((c) => c.why === 'catalog other-cat is no longer assessed'));
  });

  test('refusals carry the assessment codes and the field', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/assessments', { product: 'bulb', market: 'mars' }, 400, 'ERR_ASSESSMENT_UNKNOWN_MARKET'],
      ['POST', '/assessments', { product: 'bulb', catalog: 'nope' }, 400, 'ERR_ASSESSMENT_UNKNOWN_CATALOG'],
      ['POST', '/assessments', { product: 'lamp', market: 'eu' }, 404, 'ERR_ASSESSMENT_UNKNOWN_PRODUCT'],
      ['POST', '/assessments', { product: 'bulb', market: 'eu', catalog: 'test-cat' }, 400, 'ERR_API_VALIDATION'],
      ['POST', '/assessments', { product: 'bulb' }, 400, 'ERR_API_VALIDATION'],
      ['GET', '/assessments/nope', undefined, 404, 'ERR_ASSESSMENT_NOT_FOUND'],
      ['GET', '/assessments', undefined, 400, 'ERR_API_VALIDATION'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const r = await call(method as 'GET' | 'POST', url, maker, body);
      assert.equal(r.statusCode, status, `${url} ${JSON.stringify(body)}: ${r.body}`);
      assert.equal((r.json() as { code: string }).code, code);
    }
    const m = (await call('POST', '/assessments', maker, { product: 'bulb', market: 'mars' })).json() as { field: string };
    assert.equal(m.field, 'market');
    const forbidden = await call('POST', '/assessments', auditor, { product: 'bulb', market: 'eu' });
    assert.equal(forbidden.statusCode, 403);
  });

  test('manual evidence with a base64 attachment; listed; refused by field', async () => {
    const content = Buffer.from('%PDF-1.7 register').toString('base64');
    const r = await call('POST', '/products/bulb/manual-evidence', maker, {
      catalog: 'test-cat',
      provision: 'P-manual',
      statement: 'We keep a register.',
      outcome: 'met',
      attachments: [{ name: 'register.pdf', mediaType: 'application/pdf', content }],
    });
    assert.equal(r.statusCode, 201, r.body);
    const m = r.json() as { id: string; by: string; attachments: { size: number; sha256: string }[] };
    assert.equal(m.attachments[0]?.size, 17);
    assert.match(m.by, /^token:/);
    const file = await call('GET', `/products/bulb/manual-evidence/${m.id}/attachments/0`, auditor);
    assert.equal(file.statusCode, 200, file.body);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.equal(file.headers['content-disposition'], "attachment; filename*=UTF-8''register.pdf");
    assert.equal(file.headers.etag, `"${m.attachments[0]?.sha256}"`);
    assert.equal(file.body, '%PDF-1.7 register');
    for (const url of [`/products/plug/manual-evidence/${m.id}/attachments/0`, `/products/bulb/manual-evidence/${m.id}/attachments/1`]) {
      const missing = await call('GET', url, auditor);
      assert.equal(missing.statusCode, 404, url);
      assert.equal((missing.json() as { code: string }).code, 'ERR_ASSESSMENT_EVIDENCE_NOT_FOUND');
    }
    const list = (await call('GET', '/products/bulb/manual-evidence', auditor)).json() as { items: { id: string }[] };
    assert.ok(list.items.some((x) => x.id === m.id));
    const bad = await call('POST', '/products/bulb/manual-evidence', maker, {
      catalog: 'test-cat',
      provision: 'P-x',
      statement: 's',
      outcome: 'met',
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      [(bad.json() as { code: string }).code, (bad.json() as { field: string }).field],
      ['ERR_ASSESSMENT_MANUAL_EVIDENCE', 'provision'],
    );
    const noProduct = await call('POST', '/products/lamp/manual-evidence', maker, {
      catalog: 'test-cat',
      provision: 'P-manual',
      statement: 's',
      outcome: 'met',
    });
    assert.equal((noProduct.json() as { code: string }).code, 'ERR_ASSESSMENT_UNKNOWN_PRODUCT');
    const badName = await call('POST', '/products/bulb/manual-evidence', maker, {
      catalog: 'test-cat',
      provision: 'P-manual',
      statement: 's',
      outcome: 'met',
      attachments: [{ name: 'a/b', mediaType: 'text/plain', content: '' }],
    });
    assert.equal((badName.json() as { field: string }).field, 'attachments/0/name');
  });

  test('probe results: recorded, listed newest first, inconsistent ones refused', async () => {
    const r = await call('POST', '/products/bulb/probes', maker, PROBE);
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual((r.json() as { result: unknown }).result, PROBE);
    const list = (await call('GET', '/products/bulb/probes', auditor)).json() as { items: { id: string }[] };
    assert.equal(list.items[0]?.id, (r.json() as { id: string }).id);
    const bad = await call('POST', '/products/bulb/probes', maker, { ...PROBE, unexpected: [] });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { code: string }).code, 'ERR_ASSESSMENT_PROBE');
  });

  test('without the service, or without its ports, the routes answer 501 ERR_ASSESSMENT_UNAVAILABLE', async () => {
    const r = await call('GET', '/assessments?product=bulb', maker, undefined, bare);
    assert.equal(r.statusCode, 501);
    assert.equal((r.json() as { code: string }).code, 'ERR_ASSESSMENT_UNAVAILABLE');
    const { ports: _, ...rest } = w.deps;
    const portless = createApp({
      api: { store: w.store, manufacturerKeys: [key], ownerKeys: [key], assessments: assessmentService(rest) },
    });
    await portless.ready();
    try {
      const p = await call('POST', '/assessments', maker, { product: 'bulb', market: 'eu' }, portless);
      assert.equal(p.statusCode, 501);
      assert.equal((p.json() as { code: string }).code, 'ERR_ASSESSMENT_UNAVAILABLE');
      assert.equal((await call('GET', '/assessments?product=bulb', maker, undefined, portless)).statusCode, 200);
    } finally {
      await portless.close();
    }
  });
});
