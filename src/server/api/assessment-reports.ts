/**
 * An assessment's reports over the management API: the HTML report, its PDF (when this server has
 * a Chromium), and the EN 303 645 conformance statement as CSV or JSON. The rendering lives in
 * src/compliance/reports; this route only adapts, and answers each as a download.
 */
import { Type } from 'typebox';
import type { Assessment } from '../../compliance/assessment/result-types.ts';
import { icsCsv, icsJson, ReportError, type ReportErrorCode, renderHtmlReport, renderPdf } from '../../compliance/reports/index.ts';
import { assessmentCall, assessmentsOf } from './assessment-problems.ts';
import { COMPLIANCE_READ } from './compliance-roles.ts';
import { ApiProblem } from './problem.ts';
import { type RouteFactory, route } from './route.ts';

const FORMATS = {
  html: { type: 'text/html; charset=utf-8', ext: 'html' },
  pdf: { type: 'application/pdf', ext: 'pdf' },
  'ics-csv': { type: 'text/csv; charset=utf-8', ext: 'ics.csv' },
  'ics-json': { type: 'application/json; charset=utf-8', ext: 'ics.json' },
} as const;
type Format = keyof typeof FORMATS;

const STATUS: Partial<Record<ReportErrorCode, number>> = {
  ERR_REPORT_NO_BROWSER: 503,
  ERR_REPORT_BROWSER: 503,
  ERR_REPORT_TIMEOUT: 503,
  ERR_REPORT_TOO_LARGE: 413,
  ERR_REPORT_NO_ICS: 422,
  ERR_REPORT_ICS_AMBIGUOUS: 422,
};

/** PDFs printed at once by this process: each one is a Chromium, so a third request waits for none and is refused. */
const MAX_PRINTING = 2;
let printing = 0;

async function printPdf(html: string): Promise<Uint8Array> {
  if (printing >= MAX_PRINTING)
    throw new ApiProblem(503, 'ERR_REPORT_BUSY', `${MAX_PRINTING} reports are being printed; ask again in a moment`);
  printing++;
  try {
    return await renderPdf(html);
  } finally {
    printing--;
  }
}

async function render(a: Assessment, format: Format): Promise<string | Uint8Array> {
  try {
    if (format === 'ics-csv') return icsCsv(a);
    if (format === 'ics-json') return icsJson(a);
    const html = renderHtmlReport(a, { generator: 'IoTopia management API' });
    return format === 'html' ? html : await printPdf(html);
  } catch (e) {
    if (e instanceof ReportError) throw new ApiProblem(STATUS[e.code] ?? 500, e.code, e.message);
    throw e;
  }
}

export const assessmentReportRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/assessments/:id/report',
    roles: COMPLIANCE_READ,
    summary: "An assessment's report: html, pdf (needs Chromium on the server), or the EN 303 645 ICS as ics-csv or ics-json",
    schema: {
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) }),
      querystring: Type.Object({ format: Type.Union(Object.keys(FORMATS).map((f) => Type.Literal(f))) }, { additionalProperties: false }),
    },
    openapi: {
      responses: {
        200: {
          description: 'the report, as a download',
          content: Object.fromEntries(Object.values(FORMATS).map((f) => [f.type.split(';')[0], { schema: { type: 'string' } }])),
        },
      },
    },
    async handler(request, reply) {
      const a = await assessmentCall(() => assessmentsOf(ctx).get(request.params.id));
      const format = request.query.format as Format;
      const body = await render(a, format);
      reply.header('content-disposition', `attachment; filename="assessment-${a.id}.${FORMATS[format].ext}"`);
      return reply.type(FORMATS[format].type).send(typeof body === 'string' ? body : Buffer.from(body));
    },
  }),
];
