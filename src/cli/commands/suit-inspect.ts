import type { Command } from 'commander';
import { CborError } from '../../codec/cbor.ts';
import { envelopeDiag } from '../../suit/diag.ts';
import { decodeEnvelope } from '../../suit/envelope.ts';
import { envelopeJson, envelopeText } from '../../suit/inspect.ts';
import type { CliContext } from '../context.ts';
import { escapeComposed } from '../escape.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { suitFailed } from './suit-common.ts';

interface Options {
  json?: boolean;
  diag?: boolean;
}

export function registerSuitInspect(suit: Command, cli: CliContext): void {
  suit
    .command('inspect')
    .description('show a SUIT envelope: manifest, components, command sequences, severed members (nothing is verified)')
    .argument('<envelope>', 'SUIT envelope, or - for standard input')
    .option('--json', 'machine output: the decoded envelope as JSON')
    .option('--diag', 'CBOR diagnostic notation with embedded CBOR and key names')
    .action(async (file: string, opts: Options) => {
      if (opts.json === true && opts.diag === true) throw new CliExit(EXIT_USAGE, '--json and --diag are alternatives: give one');
      const bytes = await readInput(cli, file);
      let env: ReturnType<typeof decodeEnvelope>;
      try {
        env = decodeEnvelope(bytes);
      } catch (e) {
        throw suitFailed(file, e);
      }
      if (opts.diag === true) {
        try {
          cli.output.out(`${escapeComposed(envelopeDiag(bytes))}\n`);
        } catch (e) {
          if (e instanceof CborError) throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.message} [${e.code}]`);
          throw e;
        }
        return;
      }
      if (cli.output.json) cli.output.result(envelopeJson(env));
      // Strings of the file (the reference URI, text members) escaped one by one, then as a whole.
      else cli.output.out(escapeComposed(envelopeText(env, cli.output.text)));
    });
}
