/** `iotopia intent …`: the MUD manager (RFC 8520). Each verb lives in its own `intent-<verb>.ts` file. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerIntentApply } from './intent-apply.ts';
import { registerIntentCompile } from './intent-compile.ts';
import { registerIntentConform } from './intent-conform.ts';
import { registerIntentDhcpEvent } from './intent-dhcp-event.ts';
import { registerIntentLearn } from './intent-learn.ts';
import { registerIntentRemove } from './intent-remove.ts';
import { registerIntentUrls } from './intent-urls.ts';

/** Creates the `intent` command group and registers its subcommands. */
export function registerIntent(program: Command, cli: CliContext): Command {
  const intent = program
    .command('intent')
    .description('device intent (MUD manager): compile and apply MUD files to nftables, judge and learn from captures, DHCP hook')
    .exitOverride();
  registerIntentCompile(intent, cli);
  registerIntentApply(intent, cli);
  registerIntentRemove(intent, cli);
  registerIntentUrls(intent, cli);
  registerIntentLearn(intent, cli);
  registerIntentConform(intent, cli);
  registerIntentDhcpEvent(intent, cli);
  for (const c of [intent, ...intent.commands]) c.exitOverride();
  return intent;
}
