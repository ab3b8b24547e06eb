/**
 * `iotopia mud …`: Manufacturer Usage Descriptions (RFC 8520). Each verb lives in its own
 * `mud-<verb>.ts` file and registers itself on the group created here.
 */
import type { Command } from 'commander';
import { registerMudNew } from './mud-new.ts';
import { registerMudPublish } from './mud-publish.ts';
import { registerMudShow } from './mud-show.ts';
import { registerMudSign } from './mud-sign.ts';
import { registerMudUrl } from './mud-url.ts';
import { registerMudValidate } from './mud-validate.ts';
import { registerMudVerify } from './mud-verify.ts';

/** Creates the `mud` command group and registers its subcommands. */
export function registerMud(program: Command): Command {
  const mud = program
    .command('mud')
    .description('Manufacturer Usage Descriptions (RFC 8520): validate, show, author, sign, verify, MUD URLs')
    .exitOverride();
  // Subcommands register here, one line each.
  registerMudValidate(mud);
  registerMudShow(mud);
  registerMudNew(mud);
  registerMudSign(mud);
  registerMudVerify(mud);
  registerMudUrl(mud);
  registerMudPublish(mud);
  for (const c of [mud, ...mud.commands]) c.exitOverride();
  return mud;
}
