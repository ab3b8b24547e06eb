import type { Command } from 'commander';
import { CoseError } from '../../codec/cose/errors.ts';
import { signEnvelope } from '../../suit/authenticate.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { ALG_NAMES, readKeyFile, suitFailed, writeOutput } from './suit-common.ts';

interface Options {
  key: string;
  output?: string;
  alg?: string;
  kid?: string;
  replace?: boolean;
}

export function registerSuitSign(suit: Command, cli: CliContext): void {
  suit
    .command('sign')
    .description('add a COSE_Sign1 (or COSE_Mac0 for a symmetric key) authentication block to a SUIT envelope')
    .argument('<envelope>', 'SUIT envelope, or - for standard input')
    .requiredOption('--key <file>', 'private key: PEM, or COSE_Key (CBOR or hex; symmetric for COSE_Mac0)')
    .option('-o, --output <file>', 'write the signed envelope here instead of standard output')
    .option('--alg <name>', `COSE algorithm (${Object.keys(ALG_NAMES).join(', ')}); default from the key`)
    .option('--kid <text>', 'key id for the unprotected header')
    .option('--replace', 'drop the authentication blocks already present')
    .action(async (file: string, opts: Options) => {
      let alg: number | undefined;
      if (opts.alg !== undefined) {
        alg = ALG_NAMES[opts.alg];
        if (alg === undefined)
          throw new CliExit(EXIT_USAGE, `--alg: unknown algorithm ${opts.alg} (one of ${Object.keys(ALG_NAMES).join(', ')})`);
      }
      const key = await readKeyFile(cli, opts.key, '--key', true);
      const bytes = await readInput(cli, file);
      let signed: Uint8Array;
      try {
        signed = signEnvelope(bytes, {
          key,
          ...(alg === undefined ? {} : { alg }),
          ...(opts.kid === undefined ? {} : { kid: new TextEncoder().encode(opts.kid) }),
          replace: opts.replace === true,
        });
      } catch (e) {
        // A key that cannot sign (public, wrong curve for --alg) is a usage error, not a bad envelope.
        if (e instanceof CoseError) throw new CliExit(EXIT_USAGE, `--key ${opts.key}: ${e.message} [${e.code}]`);
        throw suitFailed(file, e);
      }
      await writeOutput(cli, signed, opts.output);
    });
}
