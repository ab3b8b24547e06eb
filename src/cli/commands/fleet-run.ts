/**
 * `iotopia fleet simulate --run`: the onboarded simulated devices keep polling the device API and
 * installing what campaigns offer them (src/agent/fleet-run.ts), with injected faults, for a
 * duration or until SIGINT/SIGTERM. Progress goes to stderr every few seconds; the summary to stdout.
 */

import type { FleetFaults } from '../../agent/fleet-faults.ts';
import type { FleetRunSummary } from '../../agent/fleet-run.ts';
import { type FleetDevice, runFleetDevices } from '../../agent/fleet-run.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';

export interface RunFlags {
  duration?: string;
  failInstall: string;
  dropDownload: string;
  offline: string;
  seed: string;
  pollMin: string;
  pollMax?: string;
  concurrency: string;
  acceptUpdates?: boolean;
}

export const RUN_OPTIONS: [flags: string, description: string, defaultValue?: string][] = [
  [
    '--run',
    'after onboarding (or with --dir alone, for the devices already there), keep polling the device API and installing offered updates',
  ],
  ['--duration <s>', 'with --run: stop after S seconds (default: run until SIGINT or SIGTERM)'],
  ['--fail-install <p>', 'with --run: percent of devices whose installs fail (reported as ERR_FLEET_INJECTED)', '0'],
  ['--drop-download <p>', 'with --run: percent of devices whose downloads are cut mid-body once (they resume with Range)', '0'],
  ['--offline <p>', 'with --run: percent of devices that never poll', '0'],
  ['--seed <text>', 'with --run: picks which devices the percentages hit (same seed, same devices)', 'iotopia'],
  ['--poll-min <s>', 'with --run: shortest wait between polls, seconds (the server’s interval is kept above it)', '1'],
  ['--poll-max <s>', 'with --run: longest wait between polls, seconds (default: the server’s interval)'],
  ['--accept-updates', 'with --run: confirm updates whose campaign asks the device to'],
];

function seconds(name: string, value: string, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= max)) throw new CliExit(EXIT_USAGE, `${name}: seconds above 0, at most ${max}`);
  return n;
}

function percent(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 100)) throw new CliExit(EXIT_USAGE, `${name}: a percentage from 0 to 100`);
  return n;
}

/** The faults the flags ask for. */
export function faultsOf(o: RunFlags): FleetFaults {
  return {
    failInstall: percent('--fail-install', o.failInstall),
    dropDownload: percent('--drop-download', o.dropDownload),
    offline: percent('--offline', o.offline),
    seed: o.seed,
  };
}

/** Runs the devices until the duration ends or a stop is requested; resolves the summary. */
export async function runDevices(cli: CliContext, o: RunFlags, devices: FleetDevice[], concurrency: number): Promise<FleetRunSummary> {
  const faults = faultsOf(o);
  const minPollMs = seconds('--poll-min', o.pollMin, 86_400) * 1000;
  const maxPollMs = o.pollMax === undefined ? undefined : seconds('--poll-max', o.pollMax, 86_400) * 1000;
  const durationMs = o.duration === undefined ? undefined : seconds('--duration', o.duration, 31_536_000) * 1000;
  const stop = new AbortController();
  void cli.stopRequested().then(() => stop.abort());
  const timer = durationMs === undefined ? undefined : setTimeout(() => stop.abort(), durationMs);
  const run = runFleetDevices({
    devices,
    concurrency,
    faults,
    minPollMs,
    ...(maxPollMs === undefined ? {} : { maxPollMs }),
    accept: o.acceptUpdates === true,
    signal: stop.signal,
  });
  const progress = setInterval(() => cli.output.err(`fleet run: ${progressLine(run.summary())}\n`), 5000);
  progress.unref();
  try {
    return await run.done;
  } finally {
    clearInterval(progress);
    clearTimeout(timer);
  }
}

const pairs = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || 'none';

export function progressLine(s: FleetRunSummary): string {
  return `${s.devices} devices (${s.offline} offline), ${s.polls} polls, installed ${pairs(s.installed)}, ${s.succeeded} updates succeeded, failed ${pairs(s.failures)}`;
}

/** The summary as lines for a terminal (device strings escaped). */
export function summaryLines(cli: CliContext, s: FleetRunSummary): string[] {
  return [
    `ran ${s.devices} devices for ${(s.durationMs / 1000).toFixed(1)} s: ${s.polls} polls, ${s.pollErrors} failed`,
    `installed sequence numbers: ${cli.output.text(pairs(s.installed))}`,
    `updates: ${s.succeeded} succeeded, failed ${cli.output.text(pairs(s.failures))}; ${s.interrupted} interrupted by the server going away, ${s.resent} results sent again`,
    `downloads: ${s.downloads.cut} cut mid-body, ${s.downloads.resumed} resumed with Range`,
  ];
}
