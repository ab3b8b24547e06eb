/**
 * `iotopia vuln import [PATH] [--vex FILE]`: OSV records from a file (one record or an array) or
 * from every .json file of a directory, each file imported whole or not at all, with a line per
 * file; and a VEX document. Exit 1 when any file was refused (the others are imported).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, type ApiTarget, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

interface FileReport {
  file: string;
  ok: boolean;
  imported?: number;
  kept?: number;
  statements?: number;
  error?: string;
}

async function osvFiles(cli: CliContext, path: string): Promise<string[]> {
  const full = pathIn(cli, path);
  if (!(await stat(full)).isDirectory()) return [path];
  const names = (await readdir(full)).filter((n) => n.endsWith('.json')).sort();
  return names.map((n) => join(path, n));
}

async function postFile(cli: CliContext, target: ApiTarget, file: string, url: string): Promise<Record<string, unknown>> {
  const bytes = await readInput(cli, file);
  const query = new URLSearchParams({ source: basename(file) });
  const res = await apiRequest(target, 'POST', `${url}?${query}`, { data: bytes, type: 'application/json' }, { timeoutMs: 120_000 });
  return (await res.json()) as Record<string, unknown>;
}

async function importOne(cli: CliContext, target: ApiTarget, file: string, url: string): Promise<FileReport> {
  try {
    const r = await postFile(cli, target, file, url);
    if (url === '/vex') return { file, ok: true, statements: Number(r['statements']) };
    return { file, ok: true, imported: (r['imported'] as unknown[]).length, kept: (r['kept'] as unknown[]).length };
  } catch (e) {
    if (e instanceof CliExit) return { file, ok: false, error: e.message };
    return { file, ok: false, error: (e as Error).message };
  }
}

function line(r: FileReport, text: (s: string) => string): string {
  if (!r.ok) return `${text(r.file)}: refused: ${text(r.error ?? '')}`;
  if (r.statements !== undefined) return `${text(r.file)}: ${r.statements} VEX statements`;
  return `${text(r.file)}: ${r.imported} records imported${r.kept ? `, ${r.kept} kept (stored one newer)` : ''}`;
}

export function registerVulnImport(vuln: Command, cli: CliContext): void {
  withApiOptions(vuln.command('import'))
    .description('import OSV records (a file, or each .json file of a directory, one transaction per file) and VEX statements')
    .argument('[path]', 'an OSV file (one record or an array) or a directory of them')
    .option('--vex <file>', 'a VEX document (OpenVEX or CycloneDX VEX)')
    .option('--json', 'machine output: a report per file')
    .action(async (path: string | undefined, opts: ApiOptions & { vex?: string; json?: boolean }) => {
      if (path === undefined && opts.vex === undefined) throw new CliExit(EXIT_USAGE, 'give an OSV file or directory, or --vex FILE');
      const target = apiTarget(opts, cli.env);
      const reports: FileReport[] = [];
      if (path !== undefined)
        for (const file of await osvFiles(cli, path)) reports.push(await importOne(cli, target, file, '/vulnerabilities'));
      if (opts.vex !== undefined) reports.push(await importOne(cli, target, opts.vex, '/vex'));
      cli.output.result(reports, () => (reports.length === 0 ? 'no .json files' : reports.map((r) => line(r, cli.output.text))));
      if (reports.some((r) => !r.ok))
        throw new CliExit(EXIT_CHECK_FAILED, `${reports.filter((r) => !r.ok).length} of ${reports.length} files refused`);
    });
}
