/**
 * The HTML report printed to PDF by headless Chromium (playwright-core). The page gets no network
 * (every request is aborted) and no JavaScript: the report needs neither, and a device string that
 * slipped through escaping could then still do nothing.
 */
import type { Browser } from 'playwright-core';
import { ReportError } from './errors.ts';
import { findChromium, requireExecutable } from './find-chromium.ts';

export interface PdfOptions {
  /** The Chromium to use; by default findChromium() (CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser). */
  executablePath?: string;
  /** The whole print, launch to close, must finish within this (default 60 s). */
  timeoutMs?: number;
}

export const DEFAULT_PDF_TIMEOUT_MS = 60_000;
/** Larger reports than this are refused rather than handed to the browser (ERR_REPORT_TOO_LARGE). */
export const MAX_REPORT_HTML_BYTES = 32 * 1024 * 1024;

const FOOTER =
  '<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';

export async function renderPdf(html: string, opts: PdfOptions = {}): Promise<Uint8Array> {
  if (typeof html !== 'string') throw new TypeError('renderPdf: html must be a string');
  const bytes = Buffer.byteLength(html, 'utf8');
  if (bytes > MAX_REPORT_HTML_BYTES) {
    throw new ReportError(
      'ERR_REPORT_TOO_LARGE',
      `the report is ${bytes} bytes, more than the ${MAX_REPORT_HTML_BYTES} a PDF is printed from`,
    );
  }
  const executablePath = opts.executablePath === undefined ? findChromium() : requireExecutable(opts.executablePath);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let browser: Browser | undefined;
  const work = (async () => {
    // Playwright's own launch timeout is set past ours, so a slow start fails as ERR_REPORT_TIMEOUT.
    browser = await launch(executablePath, timeoutMs + 1_000);
    // A browser that starts after the deadline is closed by the handlers below instead of printing.
    if (Date.now() >= deadline) throw new ReportError('ERR_REPORT_TIMEOUT', `Chromium started after the ${timeoutMs} ms allowed`);
    return await printPage(browser, html, () => Math.max(1, deadline - Date.now()));
  })();
  try {
    return await withTimeout(work, timeoutMs);
  } finally {
    // Closing the browser also ends a print still under way after a timeout; a launch still under
    // way closes what it opened when it finishes.
    await closeQuietly(browser);
    work.then(
      () => closeQuietly(browser),
      () => closeQuietly(browser),
    );
  }
}

async function launch(executablePath: string, timeout: number): Promise<Browser> {
  // Chromium's sandbox cannot start as root; as any other user it stays on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  try {
    // Loaded here, not at the top: playwright-core takes a while to load, and only printing needs it.
    const { chromium } = await import('playwright-core');
    return await chromium.launch({ executablePath, args, timeout });
  } catch (cause) {
    throw new ReportError('ERR_REPORT_BROWSER', `Chromium at ${executablePath} did not start: ${firstLine(cause)}`, { cause });
  }
}

async function printPage(browser: Browser, html: string, remaining: () => number): Promise<Uint8Array> {
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load', timeout: remaining() });
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
    });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } catch (cause) {
    throw new ReportError('ERR_REPORT_BROWSER', `Chromium could not print the report: ${firstLine(cause)}`, { cause });
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReportError('ERR_REPORT_TIMEOUT', `printing the report to PDF took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function closeQuietly(browser: Browser | undefined): Promise<void> {
  try {
    await browser?.close();
  } catch {
    // Already closed or crashed: nothing is left to release.
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
