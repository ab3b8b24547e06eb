import type { Command } from 'commander';
import { registerSuitCreate } from './suit-create.ts';
import { registerSuitInspect } from './suit-inspect.ts';
import { registerSuitProcess } from './suit-process.ts';
import { registerSuitReport } from './suit-report.ts';
import { registerSuitSign } from './suit-sign.ts';
import { registerSuitVerify } from './suit-verify.ts';

/** `iotopia suit …`: SUIT update manifests (draft-ietf-suit-manifest). */
export function registerSuit(program: Command): void {
  const suit = program
    .command('suit')
    .description('SUIT update manifests: create, sign, verify, inspect, process on a simulated device')
    .exitOverride();
  registerSuitCreate(suit);
  registerSuitSign(suit);
  registerSuitVerify(suit);
  registerSuitInspect(suit);
  registerSuitProcess(suit);
  registerSuitReport(suit);
  for (const c of [suit, ...suit.commands]) c.exitOverride();
}
