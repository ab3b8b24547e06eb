/**
 * `iotopia mud …`: Manufacturer Usage Descriptions (RFC 8520). Each verb lives in its own
 * `mud-<verb>.ts` file and registers itself on the group created here.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerMudNew } from './mud-new.ts';
import { registerMudPublish } from './mud-publish.ts';
import { registerMudShow } from './mud-show.ts';
import { registerMudSign } from './mud-sign.ts';
import { registerMudUrl } from './mud-url.ts';
import { registerMudValidate } from './mud-validate.ts';
import { registerMudVerify } from './mud-verify.ts';

/** Creates the `mud` command group and registers its subcommands. */
export function registerMud(program: Command, cli: CliContext): Command {
  const mud = program
    .command('mud')
    .description('Manufacturer Usage Descriptions (RFC 8520): validate, show, author, sign, verify, MUD URLs')
    .exitOverride();
  // Subcommands register here, one line each.
  registerMudValidate(mud, cli);
  registerMudShow(mud, cli);
  registerMudNew(mud, cli);
  registerMudSign(mud, cli);
  registerMudVerify(mud, cli);
  registerMudUrl(mud, cli);
  registerMudPublish(mud, cli);
  for (const c of [mud, ...mud.commands]) c.exitOverride();
  return mud;
}
