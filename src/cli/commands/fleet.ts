/**
 * `iotopia fleet simulate`: manufactures and onboards many simulated devices against one IoTopia
 * server, to try a deployment under load or under failure. Progress goes to stderr (a bar on a
 * terminal, a line every few seconds otherwise) so that stdout carries only the summary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { FLEET_KEYS, type FleetKey, type FleetProgress, type FleetSummary, runFleet } from '../../agent/fleet.ts';
import { loadFleetDevices, onboardedDevices } from '../../agent/fleet-devices.ts';
import type { FleetDevice } from '../../agent/fleet-run.ts';
import { type CliContext, pathIn } from '../context.ts';
import { DI_TOKEN_ENV, DI_TOKEN_HELP, diTokenOption } from '../di-token-option.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import type { CliOutput } from '../output.ts';
import { readTlsCa, TLS_CA_OPTION } from '../tls-ca.ts';
import { faultsOf, RUN_OPTIONS, type RunFlags, runDevices, summaryLines } from './fleet-run.ts';

interface Options extends RunFlags {
  count?: string;
  manufacturer?: string;
  run?: boolean;
  concurrency: string;
  key: string;
  dir?: string;
  retries: string;
  devices?: boolean;
  json?: boolean;
  tlsCa?: string;
  diToken?: string;
}

function positiveInt(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min) throw new CliExit(EXIT_USAGE, `${name}: an integer of at least ${min}`);
  return n;
}

export function registerFleet(program: Command, cli: CliContext): void {
  const fleet = program.command('fleet').description('many simulated devices at once').exitOverride();
  const simulate = fleet
    .command('simulate')
    .description(
      'manufacture (DI) and onboard (TO1, TO2) N simulated devices concurrently and print a summary; with --run, keep them polling the device API and installing updates',
    )
    .option('--count <n>', 'how many devices to onboard (with --run and --dir, none: run the devices already there)')
    .option('--manufacturer <url>', 'the manufacturer server, e.g. http://127.0.0.1:8080 (needed with --count)')
    .option('--concurrency <c>', 'devices in flight at once (onboarding; polls and updates with --run)', '8')
    .option('--key <type>', 'device key: ec256 or ec384', 'ec256')
    .option('--dir <dir>', 'keep each credential in DIR/device-<n>.cbor, its provision and data beside it (default: in memory only)')
    .option('--retries <n>', 'runs of a protocol again when its server went away (refused, reset, 5xx)', '10')
    .option('--devices', 'with --json: list every device (GUIDs, time, reason)')
    .option('--di-token <secret>', `${DI_TOKEN_HELP} (default: $${DI_TOKEN_ENV})`);
  for (const [flags, description, value] of RUN_OPTIONS) simulate.option(flags, description, value);
  simulate
    .option('--json', 'machine output: only the summary on stdout')
    .option(...TLS_CA_OPTION)
    .exitOverride()
    .action((o: Options) => simulateAction(cli, o));
}

async function simulateAction(cli: CliContext, o: Options): Promise<void> {
  const concurrency = positiveInt('--concurrency', o.concurrency, 1);
  if (o.run === true) faultsOf(o);
  if (o.count === undefined) {
    if (o.run !== true || o.dir === undefined)
      throw new CliExit(EXIT_USAGE, '--count is needed (or --run with --dir of devices onboarded before)');
    return runOnly(cli, o, resolve(pathIn(cli, o.dir)), concurrency);
  }
  const summary = await onboard(cli, o, concurrency);
  if (o.run !== true) {
    if (summary.failed > 0) throw new CliExit(EXIT_CHECK_FAILED, `${summary.failed} of ${summary.count} devices failed`);
    return;
  }
  const dataRoot = o.dir === undefined ? await mkdtemp(join(tmpdir(), 'iotopia-fleet-')) : resolve(pathIn(cli, o.dir));
  try {
    const devices = o.dir === undefined ? onboardedDevices(summary.devices, dataRoot) : (await loadFleetDevices(dataRoot)).devices;
    await runAndPrint(cli, o, devices, concurrency);
  } finally {
    if (o.dir === undefined) await rm(dataRoot, { recursive: true, force: true });
  }
}

async function runOnly(cli: CliContext, o: Options, dir: string, concurrency: number): Promise<void> {
  const { devices, unreadable } = await loadFleetDevices(dir).catch((e: unknown) => {
    throw new CliExit(EXIT_USAGE, `--dir: ${cli.output.text((e as Error).message)}`);
  });
  for (const name of unreadable) cli.output.err(`fleet: ${cli.output.text(name)} is not a provision; skipped\n`);
  if (devices.length === 0) throw new CliExit(EXIT_USAGE, `--dir: no onboarded devices in ${cli.output.text(dir)}`);
  await runAndPrint(cli, o, devices, concurrency);
}

async function runAndPrint(cli: CliContext, o: Options, devices: FleetDevice[], concurrency: number): Promise<void> {
  cli.output.err(`fleet: running ${devices.length} devices\n`);
  const summary = await runDevices(cli, o, devices, concurrency);
  cli.output.result(summary, () => summaryLines(cli, summary));
}

async function onboard(cli: CliContext, o: Options, concurrency: number): Promise<FleetSummary> {
  const { output } = cli;
  const tlsCa = readTlsCa(cli, o.tlsCa);
  const count = positiveInt('--count', o.count ?? '', 1);
  const retries = positiveInt('--retries', o.retries, 0);
  if (!(o.key in FLEET_KEYS)) throw new CliExit(EXIT_USAGE, `--key: one of ${Object.keys(FLEET_KEYS).join(', ')}`);
  const manufacturer = o.manufacturer ?? '';
  try {
    const u = new URL(manufacturer);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new CliExit(EXIT_USAGE, `--manufacturer: "${output.text(manufacturer)}" is not an http(s) URL`);
  }
  const reporter = progressReporter(output, count);
  let summary: FleetSummary;
  try {
    summary = await runFleet({
      count,
      manufacturer,
      concurrency,
      retries,
      key: o.key as FleetKey,
      ...diTokenOption(o.diToken, cli.env),
      ...(o.dir === undefined ? {} : { dir: resolve(pathIn(cli, o.dir)) }),
      ...(tlsCa === undefined ? {} : { transport: { tlsCa } }),
      onProgress: reporter.update,
    });
  } finally {
    reporter.stop();
  }
  // Provisions carry the devices' API credentials, and the keys are the devices' own: never printed.
  const { devices, ...rest } = summary;
  const listed = devices.map(({ provision: _secret, deviceKey: _key, ...d }) => d);
  const print = o.run === true ? (lines: () => string[]) => output.err(`${lines().join('\n')}\n`) : undefined;
  const lines = () => {
    const out = [
      `${summary.succeeded} of ${summary.count} devices onboarded in ${(summary.durationMs / 1000).toFixed(1)} s (${summary.rate} devices/s)`,
      `per device: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms; protocol runs retried: ${summary.retries}`,
    ];
    if (summary.failed > 0) {
      out.push(`${summary.failed} failed:`);
      for (const [reason, n] of Object.entries(summary.failures)) out.push(`  ${n}  ${output.text(reason)}`);
    }
    return out;
  };
  if (print === undefined) output.result(o.devices ? { ...rest, devices: listed } : rest, lines);
  else print(lines);
  return summary;
}

function progressReporter(output: CliOutput, total: number): { update: (p: FleetProgress) => void; stop: () => void } {
  if (output.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'fleet [{bar}] {value}/{total} | ok {ok} | failed {failed} | retries {retries} | {eta_formatted}',
        // On a terminal this is the process's own stderr stream: the bar moves the cursor on it.
        stream: output.stderr as NodeJS.WritableStream,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { ok: 0, failed: 0, retries: 0 });
    return {
      update: (p) => bar.update(p.done, { ok: p.succeeded, failed: p.failed, retries: p.retries }),
      stop: () => bar.stop(),
    };
  }
  let last: FleetProgress = { done: 0, succeeded: 0, failed: 0, total, retries: 0 };
  const line = () =>
    output.err(`fleet: ${last.done}/${total} done, ${last.succeeded} ok, ${last.failed} failed, ${last.retries} retries\n`);
  const timer = setInterval(line, 5000);
  timer.unref();
  return {
    update: (p) => {
      last = p;
    },
    stop: () => {
      clearInterval(timer);
      line();
    },
  };
}
