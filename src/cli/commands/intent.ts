/** `iotopia intent …`: the MUD manager (RFC 8520). Each verb lives in its own `intent-<verb>.ts` file. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerIntentCompile } from './intent-compile.ts';
import { registerIntentConform } from './intent-conform.ts';
import { registerIntentLearn } from './intent-learn.ts';
import { registerIntentUrls } from './intent-urls.ts';

/** Creates the `intent` command group and registers its subcommands. */
export function registerIntent(program: Command, cli: CliContext): Command {
  const intent = program
    .command('intent')
    .description('device intent (MUD manager): resolve MUD files and compile them to nftables')
    .exitOverride();
  registerIntentCompile(intent, cli);
  registerIntentUrls(intent, cli);
  registerIntentConform(intent, cli);
  registerIntentLearn(intent, cli);
  for (const c of [intent, ...intent.commands]) c.exitOverride();
  return intent;
}
