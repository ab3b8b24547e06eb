/**
 * The report in a real browser: Debian's chromium through playwright-core. Opens the HTML report,
 * requires a console without messages and no page errors (a CSP violation would log one), saves
 * full-page screenshots, and prints the PDF. Skips, saying why, when no Chromium is installed or
 * it cannot start here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Locator } from 'playwright-core';
import { ReportError } from '../../../src/compliance/reports/errors.ts';
import { findChromium } from '../../../src/compliance/reports/find-chromium.ts';
import { renderHtmlReport } from '../../../src/compliance/reports/html-report.ts';
import { MAX_REPORT_HTML_BYTES, renderPdf } from '../../../src/compliance/reports/pdf-report.ts';
import { assessmentFixture, diffFixture, HOSTILE_DEVICE } from './fixtures.ts';

const ARTIFACTS = new URL('../../../test-artifacts/compliance/', import.meta.url).pathname;
const ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
/** The browser's getComputedStyle (the project's TypeScript has no DOM library; this runs in the page). */
type StyleWindow = { getComputedStyle(el: unknown, pseudo?: string): Record<string, string> };

function computed(locator: Locator, property: string, pseudo?: string): Promise<string | undefined> {
  return locator.evaluate((el, [p, ps]) => (globalThis as unknown as StyleWindow).getComputedStyle(el, ps)[p as string], [
    property,
    pseudo,
  ] as const);
}

const code = (c: string) => (e: unknown) => e instanceof ReportError && e.code === c;

/** The Chromium to use, or why the browser tests skip. */
async function probeChromium(): Promise<{ path: string } | { skip: string }> {
  let path: string;
  try {
    path = findChromium();
  } catch (e) {
    return { skip: `no Chromium: ${(e as Error).message}` };
  }
  try {
    const browser = await chromium.launch({ executablePath: path, args: ARGS, timeout: 30_000 });
    await browser.close();
    return { path };
  } catch (e) {
    return { skip: `Chromium at ${path} cannot start here: ${String((e as Error).message).split('\n')[0]}` };
  }
}

const probe = await probeChromium();
const skip = 'skip' in probe ? probe.skip : false;
if (skip !== false) console.log(`# report browser tests skipped: ${skip}`);
const html = renderHtmlReport(assessmentFixture(), {
  diff: diffFixture(),
  baseUrl: 'https://iotopia.example.net/',
  generator: 'IoTopia test',
});

describe('HTML report in headless Chromium', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: 'path' in probe ? probe.path : '', args: ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`opens with no console message or page error, styled, markup shown as text (${colorScheme})`, async () => {
      const file = join(ARTIFACTS, 'report.html');
      writeFileSync(file, html);
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        const messages: string[] = [];
        page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        assert.equal(await page.locator('script').count(), 0);
        assert.equal(await page.locator('h1').count(), 1);
        assert.equal(await page.locator('tr.provision').count(), assessmentFixture().results.length);
        assert.equal(await page.locator('tr.gap').count(), assessmentFixture().gaps.length);
        assert.equal(await page.locator('th:not([scope])').count(), 0);
        assert.equal(await page.locator('table:not(:has(caption))').count(), 0);
        assert.ok((await page.getByText(HOSTILE_DEVICE).count()) > 0, 'the device string is on the page as text');
        // The stylesheet applied: the Content-Security-Policy hash matches it.
        assert.equal(await computed(page.locator('.o-not-met').first(), 'borderTopStyle'), 'solid');
        const shot = await page.screenshot({ fullPage: true, path: join(ARTIFACTS, `report-${colorScheme}.png`) });
        assert.deepEqual([...shot.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
        assert.deepEqual(messages, []);
      } finally {
        await context.close();
      }
    });
  }

  it('reports a console error when the stylesheet no longer matches its hash (the console check can fail)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const messages: string[] = [];
      page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
      await page.setContent(html.replace('<style>', '<style>/* edited */'), { waitUntil: 'load' });
      assert.ok(
        messages.some((m) => m.startsWith('error:') && m.includes('Content Security Policy')),
        messages.join('\n'),
      );
      assert.equal(await computed(page.locator('.o-not-met').first(), 'borderTopStyle'), 'none');
    } finally {
      await context.close();
    }
  });

  it('lays out for print: contents hidden, link targets printed', async () => {
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 } });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      assert.equal(await computed(page.locator('nav'), 'display'), 'none');
      const after = await computed(page.locator('a[href^="https://osv.dev"]'), 'content', '::after');
      assert.equal(after, '" <https://osv.dev/vulnerability/CVE-2026-0001>"');
      await page.screenshot({ fullPage: true, path: join(ARTIFACTS, 'report-print.png') });
    } finally {
      await context.close();
    }
  });

  it('prints the report to an A4 PDF', async () => {
    const pdf = await renderPdf(html, { executablePath: 'path' in probe ? probe.path : undefined, timeoutMs: 60_000 });
    writeFileSync(join(ARTIFACTS, 'report.pdf'), pdf);
    const text = Buffer.from(pdf).toString('latin1');
    assert.ok(text.startsWith('%PDF-'));
    const pages = text.match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
    assert.ok(pages >= 1, `${pages} pages`);
    // A4 is 595 × 842 points (ISO 216, 210 × 297 mm).
    assert.match(text, /\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+841\.9|\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+842/);
  });

  it('fails with ERR_REPORT_TIMEOUT when printing takes longer than allowed', async () => {
    await assert.rejects(
      renderPdf(html, { executablePath: 'path' in probe ? probe.path : undefined, timeoutMs: 1 }),
      code('ERR_REPORT_TIMEOUT'),
    );
  });
});

describe('renderPdf without a browser', () => {
  it('fails with ERR_REPORT_NO_BROWSER when executablePath points nowhere', async () => {
    await assert.rejects(renderPdf(html, { executablePath: '/nonexistent/chromium' }), (e: unknown) => {
      assert.ok(code('ERR_REPORT_NO_BROWSER')(e));
      assert.match((e as Error).message, /install Debian's chromium or set CHROMIUM_PATH/);
      return true;
    });
  });

  it('fails with ERR_REPORT_NO_BROWSER when CHROMIUM_PATH points nowhere or at a directory', () => {
    assert.throws(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' }), code('ERR_REPORT_NO_BROWSER'));
    assert.throws(() => findChromium({ CHROMIUM_PATH: '/usr/bin' }), code('ERR_REPORT_NO_BROWSER'));
  });

  it('fails with ERR_REPORT_BROWSER when the executable is not a browser', async () => {
    await assert.rejects(renderPdf(html, { executablePath: '/bin/true', timeoutMs: 30_000 }), code('ERR_REPORT_BROWSER'));
  });

  it('refuses a report larger than the limit before starting a browser', async () => {
    await assert.rejects(
      renderPdf('x'.repeat(MAX_REPORT_HTML_BYTES + 1), { executablePath: '/nonexistent/chromium' }),
      code('ERR_REPORT_TOO_LARGE'),
    );
  });
});
