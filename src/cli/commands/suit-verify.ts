import type { Command } from 'commander';
import { algorithmName } from '../../codec/cose/algorithms.ts';
import { verifyEnvelope } from '../../suit/authenticate.ts';
import { digestAlgorithmName } from '../../suit/digest.ts';
import { SuitError } from '../../suit/errors.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type CliKey, readKeyFile, suitFailed } from './suit-common.ts';

interface Options {
  key: string[];
  all?: boolean;
  json?: boolean;
}

export function registerSuitVerify(suit: Command, cli: CliContext): void {
  suit
    .command('verify')
    .description('verify a SUIT envelope: manifest digest, authentication blocks, digests of the severable members it carries')
    .argument('<envelope>', 'SUIT envelope, or - for standard input')
    .requiredOption(
      '--key <file>',
      'trust anchor: PEM public or private key, or COSE_Key (CBOR or hex, symmetric for COSE_Mac0); repeat for several',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--all', 'every authentication block must verify (default: at least one)')
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      const keys: CliKey[] = [];
      for (const k of opts.key) keys.push(await readKeyFile(cli, k, '--key', false));
      const bytes = await readInput(cli, file);
      try {
        const r = verifyEnvelope(bytes, { keys, requireAll: opts.all === true });
        const m = r.envelope.manifest;
        const summary = {
          valid: true,
          sequenceNumber: typeof m.sequenceNumber === 'bigint' ? m.sequenceNumber.toString() : m.sequenceNumber,
          digest: digestAlgorithmName(r.envelope.authentication.digest.algorithm),
          blocks: r.blocks.map((b) => ({ ...b, ...(b.alg === undefined ? {} : { algName: algorithmName(b.alg) }) })),
          severableChecked: r.severableChecked,
        };
        const ok = r.blocks.filter((b) => b.verified);
        cli.output.result(
          summary,
          () =>
            `envelope is valid: sequence number ${summary.sequenceNumber}; manifest ${summary.digest} digest matches; ` +
            `${ok.length} of ${r.blocks.length} authentication block(s) verified (${ok.map((b) => `${b.type} ${algorithmName(b.alg)}`).join(', ')})` +
            `${r.severableChecked.length > 0 ? `; severable members checked: ${r.severableChecked.join(', ')}` : ''}`,
        );
      } catch (e) {
        if (cli.output.json && e instanceof SuitError) {
          cli.output.result({ valid: false, code: e.code, path: e.path, message: e.message });
          throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.message} [${e.code}]`);
        }
        throw suitFailed(file, e);
      }
    });
}
