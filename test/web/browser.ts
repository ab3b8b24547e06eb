/**
 * Debian's Chromium through playwright-core for the console's tests: why the tests skip when it
 * cannot run, a page that records console messages and page errors (a CSP violation logs one),
 * log-in with a token, axe-core's serious and critical findings, and screenshots kept as test
 * artifacts under test-artifacts/console/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findChromium } from '../../src/compliance/reports/find-chromium.ts';

export const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;
const ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
const CONSOLE_BUILT = new URL('../../web/dist/index.html', import.meta.url).pathname;

/** Why the console's browser tests cannot run here, or false. */
export async function browserSkip(): Promise<string | false> {
  try {
    readFileSync(CONSOLE_BUILT);
  } catch {
    return 'the console is not built (web/dist is missing): run `npm run build:web`';
  }
  let path: string;
  try {
    path = findChromium();
  } catch (e) {
    return `no Chromium: ${(e as Error).message}`;
  }
  try {
    const b = await chromium.launch({ executablePath: path, args: ARGS, timeout: 30_000 });
    await b.close();
  } catch (e) {
    return `Chromium at ${path} cannot start here: ${String((e as Error).message).split('\n')[0]}`;
  }
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ARGS });
}

/** A page that keeps every console message of level error or warning and every uncaught error. */
export interface WatchedPage {
  page: Page;
  /** Console errors and warnings and page errors, in order. */
  problems: string[];
}

export async function watchedPage(browser: Browser, o: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

/** Opens the console at `url` and logs in with `token`; resolves once the navigation shows. */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's violations of serious or critical impact on the page as it is now. axe is evaluated
 * through the debugging protocol, which the page's CSP does not govern, so the page itself needs
 * no exception for it.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Saves a full-page screenshot as test-artifacts/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
