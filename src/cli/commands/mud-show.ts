/** `iotopia mud show FILE [--lenient] [--json]`: what the device may talk to, in sentences and a table. */
import type { Command } from 'commander';
import { describeMud, rulesTable } from '../../mud/describe/describe.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { validateFileBytes } from './mud-validate.ts';

export function registerMudShow(mud: Command, cli: CliContext): void {
  mud
    .command('show')
    .description('say what a MUD file lets the device talk to: plain sentences, then one table row per ACE')
    .argument('<file>', 'MUD file (JSON), or - for standard input')
    .option('--lenient', 'accept the pre-RFC shape (see mud validate --lenient)')
    .option('--json', 'machine output')
    .action(async (file: string, opts: { lenient?: boolean; json?: boolean }) => {
      const bytes = await readInput(cli, file);
      const lenient = opts.lenient === true;
      const report = validateFileBytes(file, bytes, lenient);
      if (!report.valid) {
        for (const e of report.errors) cli.output.err(`  error ${e.code} ${e.path === '' ? '/' : e.path}: ${cli.output.text(e.reason)}\n`);
        throw new CliExit(EXIT_CHECK_FAILED, `${file} is not a valid MUD file${lenient ? '' : ' (try --lenient for the pre-RFC shape)'}`);
      }
      const parsed = parseMud(bytes, { lenient }).mud;
      if (parsed === undefined) throw new CliExit(EXIT_CHECK_FAILED, `${file} is not a valid MUD file`);
      const d = describeMud(parsed);
      cli.output.result(
        { ...d, warnings: report.warnings },
        () => {
          const text = cli.output.text;
          const out = [...d.sentences.map((s) => `- ${text(s)}`), '', rulesTable(d.rows)];
          if (report.warnings.length > 0) out.push('', ...report.warnings.map((w) => `warning ${w.code} ${w.path}: ${text(w.reason)}`));
          return out;
        },
        { indent: 2 },
      );
    });
}
