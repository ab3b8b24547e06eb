/**
 * Checks of the compliance pages that need only some data to exist (a product, an assessment), not
 * particular values: reusable against any seeded server. Each leaves the page where it checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../browser.ts';
import type { ConsoleServer } from '../console-server.ts';

const json = async <T>(server: ConsoleServer, path: string): Promise<T> => {
  const r = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return (await r.json()) as T;
};

/** The products table has at least one row and its first row links to the product's page. */
export async function checkProductsPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/compliance`);
  await page.getByRole('heading', { name: 'Compliance', level: 1 }).waitFor();
  const table = page.getByRole('table', { name: 'Products' });
  await table.waitFor();
  const rows = table.locator('tbody tr');
  assert.ok((await rows.count()) >= 1, 'at least one product');
  const href = await rows.first().getByRole('link').getAttribute('href');
  assert.match(href ?? '', /^\/compliance\/products\/[^/]+$/);
  // The per-row reads have answered: no cell still waits.
  await page.locator('table.data tbody td').filter({ hasText: /^…$/ }).first().waitFor({ state: 'detached' });
  assert.deepEqual(await seriousViolations(page), []);
}

/** The first product's page shows its facts, releases, vulnerabilities and assessments sections. */
export async function checkProductPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/compliance`);
  await page.getByRole('table', { name: 'Products' }).locator('tbody tr').first().getByRole('link').click();
  await page.getByRole('heading', { name: /^Product / }).waitFor();
  for (const name of ['Releases and SBOMs', /^Matched vulnerabilities/, 'Assessments per market', 'All assessments']) {
    await page.getByRole('heading', { name }).waitFor();
  }
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  assert.deepEqual(await seriousViolations(page), []);
}

/** Assessment `id` opens with its provisions and their outcomes, the gaps, and the report buttons. */
export async function checkAssessment(page: Page, server: ConsoleServer, id: string): Promise<void> {
  await page.goto(`${server.url}/compliance/assessments/${id}`);
  await page.getByRole('heading', { name: /^Assessment of / }).waitFor();
  const provisions = page.getByRole('table', { name: 'Every provision with its outcome and evidence' });
  await provisions.waitFor();
  assert.ok((await provisions.locator('tbody tr').count()) >= 1, 'at least one provision');
  await page.getByRole('heading', { name: 'Gaps, most important first' }).waitFor();
  for (const name of ['Download HTML report', 'Download PDF report', 'Download ICS (CSV)', 'Download ICS (JSON)']) {
    assert.equal(await page.getByRole('button', { name }).count(), 1, name);
  }
  assert.deepEqual(await seriousViolations(page), []);
}

/** The newest assessment of the first product that has one opens as checkAssessment says; answers its id. */
export async function checkAssessmentPage(page: Page, server: ConsoleServer): Promise<string> {
  const products = await json<{ items: { model: string }[] }>(server, '/products?limit=50');
  let id: string | undefined;
  for (const p of products.items) {
    const latest = await json<{ items: { id: string }[] }>(server, `/assessments/latest?product=${encodeURIComponent(p.model)}`);
    id = latest.items[0]?.id;
    if (id !== undefined) break;
  }
  assert.ok(id !== undefined, 'some product has an assessment');
  await checkAssessment(page, server, id);
  return id;
}

/** Clicks a report button and answers the saved file's name and text. */
export async function downloadFrom(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** The HTML report of the open assessment downloads as an HTML document. */
export async function checkHtmlReport(page: Page): Promise<void> {
  const { name, text } = await downloadFrom(page, 'Download HTML report');
  assert.match(name, /^assessment-.+\.html$/);
  assert.match(text, /^<!doctype html>/i);
}
