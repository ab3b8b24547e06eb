import type { Command } from 'commander';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { registerSuitCreate } from './suit-create.ts';
import { registerSuitInspect } from './suit-inspect.ts';
import { registerSuitSign } from './suit-sign.ts';
import { registerSuitVerify } from './suit-verify.ts';

/** `iotopia suit …`: SUIT update manifests (draft-ietf-suit-manifest). */
export function registerSuit(program: Command): void {
  const suit = program
    .command('suit')
    .description('SUIT update manifests: create, sign, verify, inspect (process: not implemented yet)')
    .exitOverride();
  registerSuitCreate(suit);
  registerSuitSign(suit);
  registerSuitVerify(suit);
  registerSuitInspect(suit);
  suit
    .command('process')
    .description('run an envelope against a simulated device (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new CliExit(EXIT_USAGE, 'suit process: not implemented yet (the device-side SUIT processor is planned; see docs/suit.md)');
    });
  for (const c of [suit, ...suit.commands]) c.exitOverride();
}
