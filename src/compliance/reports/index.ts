/** The compliance reports: the HTML report, its PDF, and the EN 303 645 ICS. */

export { ReportError, type ReportErrorCode } from './errors.ts';
export { escapeHtml } from './escape.ts';
export { CHROMIUM_CANDIDATES, findChromium } from './find-chromium.ts';
export { type HtmlReportOptions, renderHtmlReport } from './html-report.ts';
export { EN303645_CATALOG_PREFIX, ICS_CSV_HEADER, type IcsRow, type IcsSupport, icsCatalog, icsCsv, icsJson, icsRows } from './ics.ts';
export { DEFAULT_PDF_TIMEOUT_MS, MAX_REPORT_HTML_BYTES, type PdfOptions, renderPdf } from './pdf-report.ts';
