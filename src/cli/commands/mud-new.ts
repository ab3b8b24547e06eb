/** `iotopia mud new SPEC.(json|yaml) [-o FILE] [--now TIME]`: write a valid MUD file from a short description. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { MudSpecError } from '../../mud/author/errors.ts';
import { mudFromSpec } from '../../mud/author/spec.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';

/** Reads a description: JSON for *.json, YAML for *.yaml/*.yml, otherwise JSON and then YAML. */
function parseSpec(file: string, text: string): unknown {
  const yaml = /\.ya?ml$/i.test(file);
  const json = /\.json$/i.test(file);
  try {
    if (json) return JSON.parse(text);
    if (yaml) return parseYaml(text, { maxAliasCount: 16 });
    try {
      return JSON.parse(text);
    } catch {
      return parseYaml(text, { maxAliasCount: 16 });
    }
  } catch (e) {
    throw new CliExit(
      EXIT_CHECK_FAILED,
      `${file}: not ${json ? 'JSON' : yaml ? 'YAML' : 'JSON or YAML'}: ${(e as Error).message.split('\n')[0]?.replace(/:\s*$/, '')}`,
    );
  }
}

export function registerMudNew(mud: Command, cli: CliContext): void {
  mud
    .command('new')
    .description(
      'write a MUD file from a short description (manufacturer, model, MUD URL, cloud and local services, controllers, support period, SBOM)',
    )
    .argument('<spec>', 'description file (.json or .yaml), or - for standard input')
    .option('-o, --output <file>', 'write the MUD file here instead of standard output')
    .option('--now <time>', 'the last-update time (RFC 3339); default: the current time')
    .action(async (spec: string, opts: { output?: string; now?: string }) => {
      const now = opts.now === undefined ? new Date() : new Date(opts.now);
      if (Number.isNaN(now.getTime())) throw new CliExit(EXIT_USAGE, `--now: not a date and time: ${opts.now}`);
      const text = new TextDecoder().decode(await readInput(cli, spec));
      let json: Record<string, unknown>;
      try {
        json = mudFromSpec(parseSpec(spec, text), now).json;
      } catch (e) {
        if (!(e instanceof MudSpecError)) throw e;
        for (const p of e.problems) cli.output.err(`  ${cli.output.text(p)}\n`);
        throw new CliExit(EXIT_CHECK_FAILED, `${spec}: cannot make a valid MUD file (${e.code})`);
      }
      const out = `${JSON.stringify(json, null, 2)}\n`;
      if (opts.output === undefined) cli.output.out(out);
      else {
        try {
          await writeFile(pathIn(cli, opts.output), out);
        } catch (e) {
          throw new CliExit(EXIT_USAGE, `cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        cli.output.err(`wrote ${opts.output}\n`);
      }
    });
}
