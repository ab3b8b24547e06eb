/**
 * `iotopia intent compile MUDFILE --mac M …`: resolves a MUD file for one device (src/intent/resolve.ts)
 * and prints the nftables script (src/intent/nft-compile.ts), or the resolved policy with --json.
 */
import type { Command } from 'commander';
import { IntentError } from '../../intent/errors.ts';
import { compileNft } from '../../intent/nft-compile.ts';
import { resolveMud } from '../../intent/resolve.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { addContextOptions, type ContextOptions, deviceContext, readMudFile } from './intent-options.ts';

interface CompileOptions extends ContextOptions {
  json?: boolean;
}

async function compile(cli: CliContext, file: string, o: CompileOptions): Promise<void> {
  const mud = await readMudFile(cli, file, o.lenient === true);
  try {
    const policy = resolveMud(mud, deviceContext(o), { lenient: o.lenient === true });
    const script = compileNft(policy, { basics: o.basics, dnsServers: o.dnsServer });
    for (const w of policy.warnings) cli.output.err(`warning ${w.code}: ${cli.output.text(w.message)}\n`);
    cli.output.result(policy, () => script.trimEnd(), { indent: 2 });
  } catch (e) {
    if (e instanceof IntentError) throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
}

export function registerIntentCompile(intent: Command, cli: CliContext): void {
  const cmd = intent
    .command('compile')
    .description('resolve a MUD file for one device and print the nftables script (nft -f) that enforces it')
    .argument('<mudfile>', 'the MUD file (JSON), or - for standard input')
    .requiredOption('--mac <mac>', "the device's MAC address; the device's chains and sets are named after it");
  addContextOptions(cmd)
    .option('--json', 'print the resolved policy as JSON instead of the script')
    .action((file: string, o: CompileOptions) => compile(cli, file, o));
}
