import type { Command } from 'commander';
import { diagnose } from '../../codec/cbor-diag.ts';
import { CborError } from '../../codec/cbor-errors.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { parseHexText, readInput } from '../input.ts';

interface Options {
  hex?: boolean;
  indent?: string;
  indicators?: boolean;
  json?: boolean;
}

export function registerCborDiag(cbor: Command, cli: CliContext): void {
  cbor
    .command('diag')
    .description('print CBOR (binary or hex) in diagnostic notation (RFC 8949 §8); a CBOR sequence prints one item per line')
    .argument('[file]', 'input file, or - for standard input', '-')
    .option('--hex', 'the input is hex text, not binary CBOR')
    .option('--indent <n>', 'indent nested arrays and maps by n spaces')
    .option('--indicators', 'show float width indicators (_1, _2, _3)')
    .option('--json', 'machine output: {"diagnostic": "..."}')
    .action(async (file: string, opts: Options) => {
      const indent = opts.indent === undefined ? 0 : Number(opts.indent);
      if (!Number.isInteger(indent) || indent < 0 || indent > 16) throw new CliExit(EXIT_USAGE, '--indent: an integer from 0 to 16');
      const raw = await readInput(cli, file);
      const bytes = opts.hex ? parseHexText(new TextDecoder().decode(raw), file === '-' ? 'standard input' : file) : raw;
      let text: string;
      try {
        text = diagnose(bytes, { indent, encodingIndicators: opts.indicators ?? false });
      } catch (e) {
        if (e instanceof CborError) throw new CliExit(EXIT_CHECK_FAILED, `not well-formed CBOR: ${e.message} [${e.code}]`);
        throw e;
      }
      cli.output.result({ diagnostic: text }, () => text);
    });
}
