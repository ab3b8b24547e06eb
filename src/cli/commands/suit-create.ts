import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildEnvelope } from '../../suit/create/build.ts';
import { parseDescription } from '../../suit/create/description.ts';
import { decodeEnvelope } from '../../suit/envelope.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { MAX_INPUT_BYTES, readInput } from '../input.ts';
import { suitFailed, writeOutput } from './suit-common.ts';

interface Options {
  output?: string;
  json?: boolean;
}

export function registerSuitCreate(suit: Command, cli: CliContext): void {
  suit
    .command('create')
    .description('create an unsigned SUIT envelope from a JSON description (components, ids, digests, URIs, sequence number)')
    .argument('<description>', 'JSON description (the format of the draft-ietf-suit-manifest examples)')
    .option('-o, --output <file>', 'write the envelope here instead of standard output')
    .option('--json', 'machine output: a summary on standard output (needs -o)')
    .action(async (file: string, opts: Options) => {
      if (opts.json === true && opts.output === undefined)
        throw new CliExit(EXIT_USAGE, '--json needs -o: the summary and the envelope cannot share standard output');
      const text = Buffer.from(await readInput(cli, file)).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new CliExit(EXIT_USAGE, `${file}: not JSON: ${(e as Error).message}`);
      }
      const base = file === '-' ? resolve(pathIn(cli, '.')) : dirname(resolve(pathIn(cli, file)));
      const readFile = (path: string): Uint8Array => {
        const full = resolve(base, path);
        try {
          const b = readFileSync(full);
          if (b.length > MAX_INPUT_BYTES) throw new CliExit(EXIT_USAGE, `${full}: larger than ${MAX_INPUT_BYTES} bytes`);
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        } catch (e) {
          if (e instanceof CliExit) throw e;
          throw new CliExit(EXIT_USAGE, `cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      };
      let envelope: Uint8Array;
      try {
        envelope = buildEnvelope(parseDescription(json, { readFile }));
      } catch (e) {
        throw suitFailed(file, e);
      }
      await writeOutput(cli, envelope, opts.output);
      if (opts.output !== undefined) {
        const m = decodeEnvelope(envelope).manifest;
        const summary = {
          output: opts.output,
          bytes: envelope.length,
          sequenceNumber: m.sequenceNumber,
          components: m.common.components.length,
        };
        cli.output.result(
          summary,
          () =>
            `wrote ${envelope.length} bytes to ${opts.output}: unsigned envelope, sequence number ${m.sequenceNumber}, ${summary.components} component(s)`,
        );
      }
    });
}
