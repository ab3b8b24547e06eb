/**
 * `--html`, `--pdf` and `--ics` of `iotopia assess` and `assess show`: the assessment the server
 * answered, rendered here (src/compliance/reports). The PDF needs a Chromium on this machine.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Assessment } from '../../compliance/assessment/result-types.ts';
import { icsCsv, icsJson, ReportError, renderHtmlReport, renderPdf } from '../../compliance/reports/index.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED } from '../exit-codes.ts';

export interface ReportOptions {
  html?: string;
  pdf?: string;
  ics?: string;
  /** The server's URL, so evidence links in the HTML report resolve. */
  server?: string;
}

export function withReportOptions(c: Command): Command {
  return c
    .option('--html <file>', 'write the self-contained HTML report')
    .option('--pdf <file>', "write the report as PDF (needs Debian's chromium, or CHROMIUM_PATH)")
    .option('--ics <file>', 'write the EN 303 645 conformance statement (Table B.1): CSV, or JSON when the name ends in .json');
}

/** Writes the reports asked for; a report that cannot be made (no browser, no EN 303 645) is a failed check. */
export async function writeReports(cli: CliContext, a: Assessment, o: ReportOptions): Promise<void> {
  try {
    const html = o.html !== undefined || o.pdf !== undefined ? renderHtmlReport(a, reportBase(o.server)) : undefined;
    if (o.html !== undefined) await writeFile(pathIn(cli, o.html), html as string);
    if (o.ics !== undefined) await writeFile(pathIn(cli, o.ics), o.ics.endsWith('.json') ? icsJson(a) : icsCsv(a));
    if (o.pdf !== undefined) await writeFile(pathIn(cli, o.pdf), await renderPdf(html as string));
  } catch (e) {
    if (e instanceof ReportError) throw new CliExit(EXIT_CHECK_FAILED, `report: ${e.message} [${e.code}]`);
    throw e;
  }
}

/** Evidence hrefs are management-API paths: they resolve under the server's /api/v1. */
function reportBase(server: string | undefined): { baseUrl?: string; generator: string } {
  const base = server === undefined || !/^https?:\/\//.test(server) ? undefined : `${server.replace(/\/+$/, '')}`;
  return { ...(base === undefined ? {} : { baseUrl: base }), generator: 'iotopia assess' };
}
