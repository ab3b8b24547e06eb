/**
 * `iotopia fleet simulate`: manufactures and onboards many simulated devices against one IoTopia
 * server, to try a deployment under load or under failure. Progress goes to stderr (a bar on a
 * terminal, a line every few seconds otherwise) so that stdout carries only the summary.
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { FLEET_KEYS, type FleetKey, type FleetProgress, type FleetSummary, runFleet } from '../../agent/fleet.ts';
import { type CliContext, pathIn } from '../context.ts';
import { DI_TOKEN_ENV, DI_TOKEN_HELP, diTokenOption } from '../di-token-option.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import type { CliOutput } from '../output.ts';
import { readTlsCa, TLS_CA_OPTION } from '../tls-ca.ts';

interface Options {
  count: string;
  manufacturer: string;
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
  const { output } = cli;
  const fleet = program.command('fleet').description('many simulated devices at once').exitOverride();
  fleet
    .command('simulate')
    .description('manufacture (DI) and onboard (TO1, TO2) N simulated devices concurrently, then print a summary')
    .requiredOption('--count <n>', 'how many devices')
    .requiredOption('--manufacturer <url>', 'the manufacturer server, e.g. http://127.0.0.1:8080')
    .option('--concurrency <c>', 'devices in flight at once', '8')
    .option('--key <type>', 'device key: ec256 or ec384', 'ec256')
    .option('--dir <dir>', 'keep each credential in DIR/device-<n>.cbor (default: in memory only)')
    .option('--retries <n>', 'runs of a protocol again when its server went away (refused, reset, 5xx)', '10')
    .option('--devices', 'with --json: list every device (GUIDs, time, reason)')
    .option('--di-token <secret>', `${DI_TOKEN_HELP} (default: $${DI_TOKEN_ENV})`)
    .option('--json', 'machine output: only the summary on stdout')
    .option(...TLS_CA_OPTION)
    .exitOverride()
    .action(async (o: Options) => {
      const tlsCa = readTlsCa(cli, o.tlsCa);
      const count = positiveInt('--count', o.count, 1);
      const concurrency = positiveInt('--concurrency', o.concurrency, 1);
      const retries = positiveInt('--retries', o.retries, 0);
      if (!(o.key in FLEET_KEYS)) throw new CliExit(EXIT_USAGE, `--key: one of ${Object.keys(FLEET_KEYS).join(', ')}`);
      try {
        const u = new URL(o.manufacturer);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        throw new CliExit(EXIT_USAGE, `--manufacturer: "${o.manufacturer}" is not an http(s) URL`);
      }
      const reporter = progressReporter(output, count);
      let summary: FleetSummary;
      try {
        summary = await runFleet({
          count,
          manufacturer: o.manufacturer,
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
      const { devices, ...rest } = summary;
      output.result(o.devices ? { ...rest, devices } : rest, () => {
        const lines = [
          `${summary.succeeded} of ${summary.count} devices onboarded in ${(summary.durationMs / 1000).toFixed(1)} s (${summary.rate} devices/s)`,
          `per device: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms; protocol runs retried: ${summary.retries}`,
        ];
        if (summary.failed > 0) {
          lines.push(`${summary.failed} failed:`);
          for (const [reason, n] of Object.entries(summary.failures)) lines.push(`  ${n}  ${output.text(reason)}`);
        }
        return lines;
      });
      if (summary.failed > 0) throw new CliExit(EXIT_CHECK_FAILED, `${summary.failed} of ${summary.count} devices failed`);
    });
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
