/**
 * `iotopia intent urls --pcap FILE|- [--json]`: the MUD URLs devices announce in a capture
 * (DHCPv4 option 161, DHCPv6 option 112, LLDP; RFC 8520 §10, §12), listed per MAC.
 */
import type { Command } from 'commander';
import { CaptureError } from '../../intent/capture/errors.ts';
import { type MudUrlCarrier, type MudUrlProblem, mudUrls } from '../../intent/capture/mud-urls.ts';
import type { Packet } from '../../intent/capture/packet.ts';
import { type CaptureStats, captureChunks, decodeFrames, readFrames } from '../../intent/capture/read-capture.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';

async function* stdinChunks(cli: CliContext): AsyncGenerator<Uint8Array> {
  if (cli.stdin.isTTY) throw new CliExit(EXIT_USAGE, 'no capture: give a FILE or pipe one to standard input (tcpdump -w -)');
  for await (const chunk of cli.stdin) yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
}

/** The packets of a capture named on the command line (`-`: the command's standard input). */
export function capturePackets(cli: CliContext, path: string, stats?: CaptureStats): AsyncGenerator<Packet> {
  const chunks = path === '-' ? stdinChunks(cli) : captureChunks(pathIn(cli, path));
  return decodeFrames(readFrames(chunks), stats);
}

/** A capture error as the CLI reports it: exit 2 with the code and the message. */
export function captureExit(path: string, e: unknown): never {
  if (e instanceof CaptureError) throw new CliExit(EXIT_USAGE, `${path}: ${e.code}: ${e.message}`);
  throw e;
}

export interface UrlSeen {
  url: string;
  sources: MudUrlCarrier[];
  ipv4: string[];
  count: number;
  firstUs: number;
  lastUs: number;
}

export interface DeviceUrls {
  mac: string;
  urls: UrlSeen[];
}

function add(
  devices: Map<string, Map<string, UrlSeen>>,
  mac: string,
  url: string,
  source: MudUrlCarrier,
  timeUs: number,
  ipv4?: string,
): void {
  const byUrl = devices.get(mac) ?? new Map<string, UrlSeen>();
  devices.set(mac, byUrl);
  const seen = byUrl.get(url) ?? { url, sources: [], ipv4: [], count: 0, firstUs: timeUs, lastUs: timeUs };
  byUrl.set(url, seen);
  seen.count++;
  seen.firstUs = Math.min(seen.firstUs, timeUs);
  seen.lastUs = Math.max(seen.lastUs, timeUs);
  if (!seen.sources.includes(source)) seen.sources.push(source);
  if (ipv4 !== undefined && !seen.ipv4.includes(ipv4)) seen.ipv4.push(ipv4);
}

const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();

async function listUrls(cli: CliContext, o: { pcap: string }): Promise<void> {
  const devices = new Map<string, Map<string, UrlSeen>>();
  const problems: MudUrlProblem[] = [];
  const stats: CaptureStats = { frames: 0, packets: 0, undecodable: 0 };
  try {
    for await (const s of mudUrls(capturePackets(cli, o.pcap, stats), (p) => problems.push(p)))
      add(devices, s.mac, s.url, s.source, s.timeUs, s.ipv4);
  } catch (e) {
    captureExit(o.pcap, e);
  }
  const list: DeviceUrls[] = [...devices]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mac, byUrl]) => ({ mac, urls: [...byUrl.values()].sort((a, b) => a.firstUs - b.firstUs) }));
  const text = cli.output.text;
  for (const p of problems) cli.output.err(`warning ${p.code}: ${p.mac} ${p.source} at ${iso(p.timeUs)}: ${text(p.message)}\n`);
  cli.output.result({ devices: list, problems, stats }, () => [
    ...list.flatMap((d) =>
      d.urls.map(
        (u) =>
          `${d.mac}  ${text(u.url)}  via ${u.sources.join(',')}${u.ipv4.length > 0 ? `  ipv4 ${u.ipv4.join(',')}` : ''}  seen ${u.count}x ${iso(u.firstUs)} .. ${iso(u.lastUs)}`,
      ),
    ),
    `${list.length} device(s) with a MUD URL in ${stats.frames} frame(s)`,
  ]);
}

export function registerIntentUrls(intent: Command, cli: CliContext): void {
  intent
    .command('urls')
    .description('list the MUD URLs devices announce in a capture (DHCPv4 option 161, DHCPv6 option 112, LLDP), per MAC')
    .requiredOption('--pcap <file>', 'a pcap or pcapng capture (Ethernet), or - for standard input (tcpdump -w -)')
    .option('--json', 'machine output')
    .action((o: { pcap: string }) => listUrls(cli, o));
}
