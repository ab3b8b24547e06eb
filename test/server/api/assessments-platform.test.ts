/**
 * `iotopia up` assesses with the real catalogs, product service and evidence rules: a product just
 * registered, with no release, SBOM or device yet, is assessed (not refused), its gaps say what is
 * missing, and its reports come back over the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Assessment } from '../../../src/compliance/assessment/result-types.ts';
import { bearer, roleTokens, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

describe('iotopia up assesses a product with the wired catalogs and evidence rules', () => {
  let t: TestPlatform;
  let maker: string;
  before(async () => {
    t = await startTestPlatform('iotopia-assess-up-');
    maker = (await roleTokens(t.platform)).manufacturer;
  });
  after(() => t.close());

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: { ...bearer(maker), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('assesses a product without release, SBOM or devices, and says what is missing', async () => {
    const made = await call('POST', '/products', {
      model: 'cam-1',
      manufacturer: 'ACME',
      name: 'Camera',
      supportEnd: '2031-01-01',
      supportPublished: true,
      updatable: true,
      constrained: false,
      usesPasswords: false,
      hasUserInterface: false,
      processesPersonalData: false,
    });
    assert.equal(made.status, 201, await made.clone().text());
    const res = await call('POST', '/assessments', { product: 'cam-1', market: 'uk' });
    assert.equal(res.status, 201, await res.clone().text());
    const a = (await res.json()) as Assessment;
    assert.deepEqual(
      a.catalogs.map((c) => c.id),
      ['uk-psti'],
    );
    const rules = new Map(a.results.flatMap((r) => r.rules.map((x) => [x.rule, x] as const)));
    assert.equal(rules.get('support-period-published')?.outcome, 'met');
    assert.equal(rules.get('disclosure-policy-published')?.outcome, 'not-met');
    assert.ok(a.gaps.length > 0);

    const html = await call('GET', `/assessments/${a.id}/report?format=html`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await html.text(), /uk-psti|PSTI/);
    const ics = await call('GET', `/assessments/${a.id}/report?format=ics-csv`);
    assert.equal(ics.status, 422, 'the UK assessment holds no EN 303 645 catalog');
    assert.equal(((await ics.json()) as { code: string }).code, 'ERR_REPORT_NO_ICS');
    const bad = await call('GET', `/assessments/${a.id}/report?format=docx`);
    assert.equal(bad.status, 400);
  });

  it('an EN 303 645 assessment gives its ICS as CSV and JSON', async () => {
    const res = await call('POST', '/assessments', { product: 'cam-1', catalog: 'en303645-v3' });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as Assessment;
    const csv = await call('GET', `/assessments/${id}/report?format=ics-csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="assessment-.*\.ics\.csv"/);
    assert.ok((await csv.text()).split('\r\n').some((l) => l.startsWith('5.1-1,')));
    const json = await call('GET', `/assessments/${id}/report?format=ics-json`);
    assert.equal(json.status, 200);
    assert.ok(Array.isArray(((await json.json()) as { rows: unknown[] }).rows));
  });
});
