/**
 * The compliance pages in real Chromium against a real `iotopia up`: a product with a declared
 * release, its CycloneDX SBOM and an OSV record that matches it, assessed for two markets and for
 * EN 303 645 through the API; the console lists the product with its open vulnerability, shows its
 * release, SBOM, vulnerability and newest assessment per market, runs a new assessment after
 * confirmation (not offered to an auditor), opens an assessment with its provisions and evidence,
 * and downloads the HTML report and the ICS as CSV. Screenshots go to test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page, Route } from 'playwright-core';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { checkAssessmentPage, checkHtmlReport, checkProductPage, checkProductsPage, downloadFrom } from './pages/compliance-checks.ts';

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

const MODEL = 'console-lamp';
const PRODUCT = {
  model: MODEL,
  manufacturer: 'Example Lights',
  name: 'Console Lamp',
  supportEnd: '2031-12-31',
  supportPublished: true,
  updatable: true,
  constrained: false,
  usesPasswords: false,
  hasUserInterface: false,
  processesPersonalData: false,
  disclosurePolicyUrl: 'https://lights.example.com/security',
  securityContact: 'mailto:security@lights.example.com',
};
const SBOM = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: [{ type: 'library', 'bom-ref': 'lodash', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' }],
};
const OSV = {
  id: 'OSV-CONSOLE-1',
  modified: '2030-01-02T00:00:00Z',
  published: '2030-01-01T00:00:00Z',
  summary: 'Command injection in template',
  affected: [
    { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] },
  ],
};

async function call(server: ConsoleServer, method: string, path: string, body: unknown, type = 'application/json', token = server.token) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: JSON.stringify(body),
  });
  assert.ok(r.status === 200 || r.status === 201, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
  return (await r.json()) as Record<string, unknown>;
}

describe('the compliance pages in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  // One logged-in admin tab for the whole file; each test checks the console problems it caused.
  let page: Page;
  let problems: string[];
  let seen = 0;
  const newProblems = () => problems.slice(seen);
  const ids: Record<string, string> = {};
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    await call(server, 'POST', '/products', PRODUCT);
    await call(server, 'POST', '/products', { ...PRODUCT, model: 'old-plug', name: 'Old Plug', supportEnd: '2020-06-30' });
    await call(server, 'POST', `/products/${MODEL}/releases`, { version: '2.0.0', releasedAt: '2030-02-01T00:00:00Z' });
    await call(server, 'PUT', `/products/${MODEL}/releases/2.0.0/sbom?source=lamp.cdx.json`, SBOM, 'application/vnd.cyclonedx+json');
    await call(server, 'POST', '/vulnerabilities?source=osv.json', OSV);
    const targets = [{ market: 'eu' }, { market: 'uk' }, { catalog: 'en303645-v3' }];
    const made = await Promise.all(targets.map((t) => call(server, 'POST', '/assessments', { product: MODEL, ...t })));
    targets.forEach((t, n) => {
      ids[t.market ?? t.catalog] = made[n]?.id as string;
    });
    ({ page, problems } = await watchedPage(browser));
    await logIn(page, `${server.url}/compliance`, server.token);
  });
  beforeEach(() => {
    seen = problems.length;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the product with its support end, current release and open vulnerability', async () => {
    await checkProductsPage(page, server);
    const row = page.getByRole('table', { name: 'Products' }).getByRole('row').filter({ hasText: MODEL });
    const cells = await row.locator('th, td').allTextContents();
    assert.deepEqual(cells, [MODEL, 'Console Lamp', 'Example Lights', '2031-12-31', '2.0.0', '1 open']);
    const old = page.getByRole('table', { name: 'Products' }).getByRole('row').filter({ hasText: 'old-plug' });
    assert.deepEqual(await old.locator('th, td').allTextContents(), [
      'old-plug',
      'Old Plug',
      'Example Lights',
      '2020-06-30 out-of-support',
      'none',
      'no release',
    ]);
    await screenshot(page, 'compliance-products');
    assert.deepEqual(newProblems(), []);
  });

  it('shows the product’s release with its SBOM, the matched vulnerability and the newest assessment per market', async () => {
    await checkProductPage(page, server);
    const releases = page.getByRole('table', { name: `Releases of ${MODEL}` });
    await releases.getByText('CycloneDX 1.5, 1 component (lamp.cdx.json', { exact: false }).waitFor();
    assert.match(
      (await releases.locator('tbody td').nth(2).textContent()) ?? '',
      /^CycloneDX 1\.5, 1 component \(lamp\.cdx\.json, imported /,
    );
    assert.match((await releases.locator('tbody tr').first().textContent()) ?? '', /^2\.0\.0declared/);
    await releases.getByText('1 apply: OSV-CONSOLE-1').waitFor();
    const vulns = page.getByRole('table', { name: /1 open in 2\.0\.0/ });
    const vulnRow = await vulns.locator('tbody tr').first().locator('th, td').allTextContents();
    assert.deepEqual(vulnRow.slice(0, 3), ['OSV-CONSOLE-1', 'lodash 4.17.20', 'Command injection in template']);
    const latest = page.getByRole('table', { name: 'Newest assessment per market' });
    await latest.waitFor();
    const markets = await latest.locator('tbody th').allTextContents();
    assert.deepEqual(markets.toSorted(), ['catalog only', 'eu', 'uk']);
    assert.match((await latest.getByRole('row').filter({ hasText: 'uk-psti' }).textContent()) ?? '', /\d+ met.*\d+ not met/);
    assert.equal(
      await page
        .getByRole('table', { name: `Assessments of ${MODEL}, newest first` })
        .locator('tbody tr')
        .count(),
      3,
    );
    await screenshot(page, 'compliance-product');
    assert.deepEqual(newProblems(), []);
  });

  it('runs a new assessment after checking the form and asking for confirmation', async () => {
    let posts = 0;
    const count = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/assessments')) posts += 1;
    };
    page.on('request', count);
    try {
      await page.goto(`${server.url}/compliance/products/${MODEL}`);
      await page.getByRole('button', { name: 'Run assessment' }).click();
      await page.getByRole('alert').filter({ hasText: 'Choose a market' }).waitFor();
      assert.equal(posts, 0);
      await page.getByLabel('Market').selectOption('us');
      await page.getByRole('button', { name: 'Run assessment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run an assessment' });
      await dialog.getByText(`Assess ${MODEL} against the catalogs of United States now?`).waitFor();
      assert.deepEqual(await seriousViolations(page), []);
      await screenshot(page, 'compliance-run-assessment');
      assert.equal(posts, 0, 'nothing is sent before confirmation');
      await dialog.getByRole('button', { name: 'Assess' }).click();
      await page.getByRole('status').filter({ hasText: 'Assessed for us' }).waitFor();
      ids.us = (await page.getByRole('link', { name: 'open the assessment' }).getAttribute('href'))?.split('/').at(-1) as string;
      assert.equal(posts, 1);
      await page.getByRole('table', { name: 'Newest assessment per market' }).locator('tbody th', { hasText: /^us$/ }).waitFor();
    } finally {
      page.off('request', count);
    }
    assert.deepEqual(newProblems(), []);
  });

  it('shows the server’s refusal of an assessment with its detail and field, and keeps the dialog open', async () => {
    const refuse = (route: Route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 400,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              status: 400,
              title: 'Bad Request',
              detail: 'no market eu here',
              code: 'ERR_ASSESSMENT_UNKNOWN_MARKET',
              field: 'market',
            }),
          })
        : route.fallback();
    await page.route('**/api/v1/assessments', refuse);
    try {
      await page.goto(`${server.url}/compliance/products/${MODEL}`);
      await page.getByLabel('Market').selectOption('eu');
      await page.getByRole('button', { name: 'Run assessment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run an assessment' });
      await dialog.getByRole('button', { name: 'Assess' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'no market eu here (market)' }).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
    } finally {
      await page.unroute('**/api/v1/assessments', refuse);
    }
    assert.deepEqual(
      newProblems().filter((p) => !p.includes('status of 400')),
      [],
    );
  });

  it('shows an error state, not a blank page, when the products cannot be read', async () => {
    const fail = (route: Route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 500, title: 'Internal Server Error', detail: 'the store failed', code: 'ERR_INTERNAL' }),
      });
    await page.route('**/api/v1/products?*', fail);
    try {
      await page.goto(`${server.url}/compliance`);
      const alert = page.getByRole('alert').filter({ hasText: 'Could not load the products' });
      await alert.waitFor({ timeout: 15_000 });
      assert.match((await alert.textContent()) ?? '', /the store failed.*ERR_INTERNAL/);
    } finally {
      await page.unroute('**/api/v1/products?*', fail);
    }
  });

  it('does not offer an auditor to run an assessment', async () => {
    const auditor = await call(server, 'POST', '/tokens', { name: 'audit', roles: ['auditor'] });
    const other = await watchedPage(browser);
    await logIn(other.page, `${server.url}/compliance/products/${MODEL}`, auditor.secret as string);
    await other.page.getByRole('table', { name: 'Newest assessment per market' }).waitFor();
    assert.equal(await other.page.getByRole('button', { name: 'Run assessment' }).count(), 0);
    assert.deepEqual(other.problems, []);
    await other.page.context().close();
  });

  it('opens an assessment with its provisions, evidence and gaps, and downloads the HTML report', async () => {
    // The reusable check picks the newest assessment of the first product that has one (the one run above).
    assert.equal(await checkAssessmentPage(page, server), ids.us);
    await page.goto(`${server.url}/compliance/assessments/${ids.eu}`);
    await page.getByRole('heading', { name: `Assessment of ${MODEL} for eu` }).waitFor();
    const provisions = page.getByRole('table', { name: 'Every provision with its outcome and evidence' });
    assert.ok((await provisions.locator('tbody tr').count()) > 10);
    const sbomRow = provisions.getByRole('row').filter({ hasText: 'sbom-present' }).first();
    assert.match((await sbomRow.textContent()) ?? '', /sbom-present met Release 2\.0\.0 has an SBOM\./);
    assert.ok((await page.locator('ol.gaps li').count()) >= 1, 'the lamp has gaps');
    await screenshot(page, 'compliance-assessment');
    await checkHtmlReport(page);
    // The markets' catalogs do not include EN 303 645: the server refuses its ICS, and the page says why.
    await page.getByRole('button', { name: 'Download ICS (CSV)' }).click();
    await page.getByRole('alert').filter({ hasText: 'The ICS (CSV) could not be made' }).waitFor();
    assert.deepEqual(
      newProblems().filter((p) => !p.includes('status of 422')),
      [],
    );
  });

  it('downloads the ICS of an EN 303 645 assessment as CSV, and offers the PDF', async () => {
    await page.goto(`${server.url}/compliance/assessments/${ids['en303645-v3']}`);
    await page.getByRole('heading', { name: `Assessment of ${MODEL}` }).waitFor();
    const { name, text } = await downloadFrom(page, 'Download ICS (CSV)');
    assert.equal(name, `assessment-${ids['en303645-v3']}.ics.csv`);
    assert.ok(text.startsWith('Provision,Title,Status,Support,Detail\r\n'), text.slice(0, 80));
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${name}.` })
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Download PDF report' }).isEnabled(), true);
    assert.deepEqual(newProblems(), []);
  });
});
