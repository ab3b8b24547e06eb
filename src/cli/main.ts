import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAssess } from './commands/assess.ts';
import { registerEvidence } from './commands/assess-evidence.ts';
import { registerCampaign } from './commands/campaign.ts';
import { registerCborDiag } from './commands/cbor-diag.ts';
import { registerDevice } from './commands/device.ts';
import { registerDeviceAdmin } from './commands/device-admin.ts';
import { registerFleet } from './commands/fleet.ts';
import { registerIntent } from './commands/intent.ts';
import { registerKeys } from './commands/keys.ts';
import { registerManufacturer } from './commands/manufacturer.ts';
import { registerMud } from './commands/mud.ts';
import { registerOwner } from './commands/owner.ts';
import { registerProbe } from './commands/probe.ts';
import { registerProduct } from './commands/product.ts';
import { registerRelease } from './commands/release.ts';
import { registerRendezvous } from './commands/rendezvous.ts';
import { registerSbom } from './commands/sbom.ts';
import { registerSuit } from './commands/suit.ts';
import { registerToken } from './commands/token.ts';
import { registerUp } from './commands/up.ts';
import { registerVoucherAdmin } from './commands/voucher-admin.ts';
import { registerVoucherExtend } from './commands/voucher-extend.ts';
import { registerVoucherInspect } from './commands/voucher-inspect.ts';
import { registerVoucherVerify } from './commands/voucher-verify.ts';
import { registerVuln } from './commands/vuln.ts';
import type { RunContext } from './context.ts';
import { CliExit, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { createOutput } from './output.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the `iotopia` command tree for one run: every command writes through `cli.output`. */
export function buildProgram(cli: RunContext): Command {
  const { output } = cli;
  const program = new Command('iotopia');
  // Set before any subcommand exists: subcommands take the output configuration over when made.
  program.configureOutput({
    writeOut: (text) => output.out(text),
    writeErr: (text) => output.err(text),
    // Commander's own rule, on this run's streams: a terminal's width, else 80 columns.
    getOutHelpWidth: () => (output.stdout.isTTY ? output.stdout.columns : undefined) ?? 80,
    getErrHelpWidth: () => (output.stderr.isTTY ? output.stderr.columns : undefined) ?? 80,
  });
  program
    .description('IoTopia: secure onboarding (FDO), device intent (MUD), updates (SUIT) and compliance for IoT devices')
    .version(version(), '-V, --version')
    // Program options only before a command: `release create --version` is the release's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (_program, action) => output.setJson(action.opts().json === true));

  registerUp(program, cli);
  registerDevice(program, cli);
  const device = program.commands.find((c) => c.name() === 'device');
  if (device !== undefined) registerDeviceAdmin(device, cli);
  registerToken(program, cli);
  registerKeys(program, cli);
  registerManufacturer(program, cli);
  registerOwner(program, cli);
  registerRendezvous(program, cli);
  registerFleet(program, cli);
  registerMud(program, cli);
  registerIntent(program, cli);
  registerSuit(program, cli);
  registerRelease(program, cli);
  registerCampaign(program, cli);
  registerProbe(program, cli);
  registerProduct(program, cli);
  registerSbom(program, cli);
  registerAssess(program, cli);
  registerEvidence(program, cli);
  registerVuln(program, cli);

  const cbor = program.command('cbor').description('CBOR tools').exitOverride();
  registerCborDiag(cbor, cli);
  for (const c of [cbor, ...cbor.commands]) c.exitOverride();

  const voucher = program
    .command('voucher')
    .description('FDO ownership vouchers: inspect, verify, extend; list, export, import on a server')
    .exitOverride();
  registerVoucherInspect(voucher, cli);
  registerVoucherVerify(voucher, cli);
  registerVoucherExtend(voucher, cli);
  registerVoucherAdmin(voucher, cli);
  for (const c of [voucher, ...voucher.commands]) c.exitOverride();
  return program;
}

/**
 * Runs the command line `args` (without the node and script paths); returns the exit code.
 * Errors that are not the command's own (a bug) propagate.
 */
export async function runProgram(args: string[], cli: RunContext): Promise<number> {
  const { output } = cli;
  try {
    await buildProgram(cli).parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end through exitOverride with code 0; everything else is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof CliExit) {
      output.err(`iotopia: ${output.text(e.message)}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Runs the command line of this process (`process.argv`) on its own streams; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runProgram(argv.slice(2), processContext());
}

function processContext(): RunContext {
  return {
    output: createOutput(process.stdout, process.stderr),
    env: process.env,
    cwd: undefined,
    stdin: process.stdin,
    logStream: undefined,
    stopRequested: () =>
      new Promise((resolveStop) => {
        process.once('SIGINT', () => resolveStop('SIGINT'));
        process.once('SIGTERM', () => resolveStop('SIGTERM'));
      }),
  };
}
