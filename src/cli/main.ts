import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCborDiag } from './commands/cbor-diag.ts';
import { registerDevice } from './commands/device.ts';
import { registerDeviceAdmin } from './commands/device-admin.ts';
import { registerFleet } from './commands/fleet.ts';
import { registerManufacturer } from './commands/manufacturer.ts';
import { registerMud } from './commands/mud.ts';
import { registerOwner } from './commands/owner.ts';
import { registerRendezvous } from './commands/rendezvous.ts';
import { registerSuit } from './commands/suit.ts';
import { registerToken } from './commands/token.ts';
import { registerUp } from './commands/up.ts';
import { registerVoucherAdmin } from './commands/voucher-admin.ts';
import { registerVoucherExtend } from './commands/voucher-extend.ts';
import { registerVoucherInspect } from './commands/voucher-inspect.ts';
import { registerVoucherVerify } from './commands/voucher-verify.ts';
import { CliExit, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the `iotopia` command tree. */
export function buildProgram(): Command {
  const program = new Command('iotopia')
    .description('IoTopia: secure onboarding (FDO), device intent (MUD), updates (SUIT) and compliance for IoT devices')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  registerUp(program);
  registerDevice(program);
  const device = program.commands.find((c) => c.name() === 'device');
  if (device !== undefined) registerDeviceAdmin(device);
  registerToken(program);
  registerManufacturer(program);
  registerOwner(program);
  registerRendezvous(program);
  registerFleet(program);
  registerMud(program);
  registerSuit(program);

  const cbor = program.command('cbor').description('CBOR tools').exitOverride();
  registerCborDiag(cbor);
  for (const c of [cbor, ...cbor.commands]) c.exitOverride();

  const voucher = program
    .command('voucher')
    .description('FDO ownership vouchers: inspect, verify, extend; list, export, import on a server')
    .exitOverride();
  registerVoucherInspect(voucher);
  registerVoucherVerify(voucher);
  registerVoucherExtend(voucher);
  registerVoucherAdmin(voucher);
  for (const c of [voucher, ...voucher.commands]) c.exitOverride();
  return program;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end through exitOverride with code 0; everything else is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof CliExit) {
      process.stderr.write(`iotopia: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
