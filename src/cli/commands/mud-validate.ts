/** `iotopia mud validate FILE... [--lenient] [--json]`: strict (or lenient) RFC 8520 validation. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { mudToJson } from '../../mud/model/to-json.ts';
import { MudInputError } from '../../mud/validate/errors.ts';
import type { MudIssue } from '../../mud/validate/issues.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';

export interface FileReport {
  file: string;
  valid: boolean;
  errors: MudIssue[];
  warnings: MudIssue[];
}

/** Validates one file's bytes; input that is not a readable MUD file at all is one error at the root. */
export function validateFileBytes(file: string, bytes: Uint8Array, lenient: boolean): FileReport {
  try {
    const r = parseMud(bytes, { lenient });
    return { file, valid: r.mud !== undefined, errors: r.errors, warnings: r.warnings };
  } catch (e) {
    if (!(e instanceof MudInputError)) throw e;
    return { file, valid: false, errors: [{ code: e.code, path: '', reason: e.message }], warnings: [] };
  }
}

const line = (kind: string, i: MudIssue, text: (s: string) => string): string =>
  `  ${kind} ${i.code} ${i.path === '' ? '/' : i.path}: ${text(i.reason)}`;

function reportLines(r: FileReport, text: (s: string) => string): string[] {
  const counts = [
    `${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`,
    `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}`,
  ];
  return [
    `${text(r.file)}: ${r.valid ? 'valid' : 'INVALID'} (${counts.join(', ')})`,
    ...r.errors.map((e) => line('error', e, text)),
    ...r.warnings.map((w) => line('warning', w, text)),
  ];
}

export function registerMudValidate(mud: Command, cli: CliContext): void {
  mud
    .command('validate')
    .description('validate MUD files against RFC 8520/8519 and the known extensions; every error names its JSON path')
    .argument('<file...>', 'MUD files (JSON), or - for standard input')
    .option(
      '--lenient',
      'accept the pre-RFC shape and the shorthands real tools write (bare host addresses, ipv4/ipv6/eth ACL types, [] for empty leaves, date-times without an offset), normalising each with a warning',
    )
    .option('--json', 'machine output')
    .option(
      '--normalise <out>',
      'write the valid file in the RFC shape to OUT (with --lenient: the normalised pre-RFC file); one FILE only',
    )
    .action(async (files: string[], opts: { lenient?: boolean; json?: boolean; normalise?: string }) => {
      if (opts.normalise !== undefined && files.length !== 1) throw new CliExit(EXIT_USAGE, '--normalise takes exactly one FILE');
      const reports: FileReport[] = [];
      const inputs: Uint8Array[] = [];
      for (const file of files) {
        const bytes = await readInput(cli, file);
        inputs.push(bytes);
        reports.push(validateFileBytes(file, bytes, opts.lenient === true));
      }
      const valid = reports.every((r) => r.valid);
      cli.output.result(
        { valid, lenient: opts.lenient === true, files: reports },
        () => reports.flatMap((r) => reportLines(r, cli.output.text)),
        { indent: 2 },
      );
      if (!valid) throw new CliExit(EXIT_CHECK_FAILED, `${reports.filter((r) => !r.valid).length} of ${reports.length} file(s) invalid`);
      if (opts.normalise !== undefined) {
        const mud = parseMud(inputs[0] as Uint8Array, { lenient: opts.lenient === true }).mud;
        if (mud === undefined) throw new CliExit(EXIT_CHECK_FAILED, 'the file is not valid');
        try {
          await writeFile(pathIn(cli, opts.normalise), `${JSON.stringify(mudToJson(mud), null, 2)}\n`);
        } catch (e) {
          throw new CliExit(EXIT_USAGE, `cannot write ${opts.normalise}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        cli.output.err(`wrote ${opts.normalise}\n`);
      }
    });
}
