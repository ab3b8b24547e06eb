/**
 * `iotopia intent compile MUDFILE --mac M …`: resolves a MUD file for one device (src/intent/resolve.ts)
 * and prints the nftables script (src/intent/nft-compile.ts), or the resolved policy with --json.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { addContextOptions, addMudFileArguments, type ContextOptions, compileFromOptions } from './intent-context.ts';

export { pairsToMap } from './intent-context.ts';

async function compile(cli: CliContext, file: string, o: ContextOptions): Promise<void> {
  const { policy, script } = await compileFromOptions(cli, file, o);
  cli.output.result(policy, () => script.trimEnd(), { indent: 2 });
}

export function registerIntentCompile(intent: Command, cli: CliContext): void {
  addContextOptions(
    addMudFileArguments(
      intent.command('compile').description('resolve a MUD file for one device and print the nftables script (nft -f) that enforces it'),
    ),
  )
    .option('--json', 'print the resolved policy as JSON instead of the script')
    .action((file: string, o: ContextOptions) => compile(cli, file, o));
}
