import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerSuitCreate } from './suit-create.ts';
import { registerSuitInspect } from './suit-inspect.ts';
import { registerSuitProcess } from './suit-process.ts';
import { registerSuitReport } from './suit-report.ts';
import { registerSuitSign } from './suit-sign.ts';
import { registerSuitVerify } from './suit-verify.ts';

/** `iotopia suit …`: SUIT update manifests (draft-ietf-suit-manifest). */
export function registerSuit(program: Command, cli: CliContext): void {
  const suit = program
    .command('suit')
    .description('SUIT update manifests: create, sign, verify, inspect, process on a simulated device')
    .exitOverride();
  registerSuitCreate(suit, cli);
  registerSuitSign(suit, cli);
  registerSuitVerify(suit, cli);
  registerSuitInspect(suit, cli);
  registerSuitProcess(suit, cli);
  registerSuitReport(suit, cli);
  for (const c of [suit, ...suit.commands]) c.exitOverride();
}
