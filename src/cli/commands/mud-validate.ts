/** `iotopia mud validate FILE... [--lenient] [--json]`: strict (or lenient) RFC 8520 validation. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { mudToJson } from '../../mud/model/to-json.ts';
import { MudInputError } from '../../mud/validate/errors.ts';
import type { MudIssue } from '../../mud/validate/issues.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
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

const line = (kind: string, i: MudIssue): string => `  ${kind} ${i.code} ${i.path === '' ? '/' : i.path}: ${i.reason}`;

export function registerMudValidate(mud: Command): void {
  mud
    .command('validate')
    .description('validate MUD files against RFC 8520/8519 and the known extensions; every error names its JSON path')
    .argument('<file...>', 'MUD files (JSON), or - for standard input')
    .option('--lenient', 'accept the pre-RFC shape seen in the wild, normalising it with a warning per change')
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
        const bytes = await readInput(file);
        inputs.push(bytes);
        reports.push(validateFileBytes(file, bytes, opts.lenient === true));
      }
      const valid = reports.every((r) => r.valid);
      if (opts.json) process.stdout.write(`${JSON.stringify({ valid, lenient: opts.lenient === true, files: reports }, null, 2)}\n`);
      else
        for (const r of reports) {
          const counts = [
            `${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`,
            `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}`,
          ];
          process.stdout.write(`${r.file}: ${r.valid ? 'valid' : 'INVALID'} (${counts.join(', ')})\n`);
          for (const e of r.errors) process.stdout.write(`${line('error', e)}\n`);
          for (const w of r.warnings) process.stdout.write(`${line('warning', w)}\n`);
        }
      if (!valid) throw new CliExit(EXIT_CHECK_FAILED, `${reports.filter((r) => !r.valid).length} of ${reports.length} file(s) invalid`);
      if (opts.normalise !== undefined) {
        const mud = parseMud(inputs[0] as Uint8Array, { lenient: opts.lenient === true }).mud;
        if (mud === undefined) throw new CliExit(EXIT_CHECK_FAILED, 'the file is not valid');
        try {
          await writeFile(opts.normalise, `${JSON.stringify(mudToJson(mud), null, 2)}\n`);
        } catch (e) {
          throw new CliExit(EXIT_USAGE, `cannot write ${opts.normalise}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stderr.write(`wrote ${opts.normalise}\n`);
      }
    });
}
