/**
 * `iotopia intent conform --pcap FILE|- --mud MUDFILE --mac M …`: judges a capture against a
 * device's MUD file as the gateway's nftables ruleset would (src/intent/verdict) and prints the
 * violations. Exit 0 when the traffic conforms, 1 with violations, 2 on bad input.
 */
import type { Command } from 'commander';
import { IntentError } from '../../intent/errors.ts';
import { type ConformResult, conform } from '../../intent/verdict/conform.ts';
import type { Violation } from '../../intent/verdict/violations.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { addContextOptions, type ContextOptions, deviceContext, readMudFile } from './intent-context.ts';
import { captureExit, capturePackets } from './intent-urls.ts';

interface ConformCliOptions extends ContextOptions {
  pcap: string;
  mud: string;
  gatewayMac?: string;
  gatewayAddress: string[];
  json?: boolean;
}

const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function line(v: Violation, text: (s: string) => string): string {
  const proto = PROTOCOLS[v.protocol] ?? `protocol ${v.protocol}`;
  const peer = v.family === 6 ? `[${v.peer}]` : v.peer;
  const flow =
    v.icmpType !== undefined
      ? `${proto} ${v.peer} type ${v.icmpType} code ${v.icmpCode}`
      : `${proto} ${v.peerPort === undefined ? v.peer : `${peer}:${v.peerPort}`}${v.localPort === undefined ? '' : ` local port ${v.localPort}`}`;
  const why =
    v.decision === 'ace'
      ? `dropped by ACE ${text(v.ace ?? '')} of ACL ${text(v.acl ?? '')}`
      : v.decision === 'unknown-address'
        ? 'new traffic to an address of the device the gateway was not given (unknown-device-address)'
        : `fell through ${v.acl === undefined ? 'no ACL' : `ACL ${text(v.acl)}`} to default deny`;
  return `${v.mac} ${v.direction} ${flow}: ${why}; ${v.count} packet(s) ${iso(v.firstUs)} .. ${iso(v.lastUs)}`;
}

function report(cli: CliContext, r: ConformResult): void {
  const text = cli.output.text;
  for (const w of r.warnings) cli.output.err(`warning ${w.code}: ${text(w.message)}\n`);
  const json = {
    conforming: r.violations.length === 0,
    ...r,
    violations: r.violations.map((v) => ({ ...v, firstSeen: iso(v.firstUs), lastSeen: iso(v.lastUs) })),
  };
  cli.output.result(json, () => [
    ...r.violations.map((v) => line(v, text)),
    `${r.violations.length} violation(s) in ${r.judged} packet(s) of the device (${r.packets} read${r.onLink > 0 ? `, ${r.onLink} on-link skipped` : ''}${r.local > 0 ? `, ${r.local} to or from the gateway skipped` : ''})`,
  ]);
  if (r.violations.length > 0)
    throw new CliExit(EXIT_CHECK_FAILED, `${r.violations.length} violation(s): the traffic does not conform to the MUD file`);
}

async function run(cli: CliContext, o: ConformCliOptions): Promise<void> {
  if (o.pcap === '-' && o.mud === '-') throw new CliExit(EXIT_USAGE, 'only one of --pcap and --mud can read standard input');
  const mud = await readMudFile(cli, o.mud, o.lenient === true);
  let result: ConformResult;
  try {
    result = await conform(capturePackets(cli, o.pcap), mud, deviceContext(o), {
      lenient: o.lenient === true,
      basics: o.basics,
      dnsServers: o.dnsServer,
      deviceInterfaces: o.deviceInterface,
      ...(o.gatewayMac === undefined ? {} : { gatewayMac: o.gatewayMac }),
      gatewayAddresses: o.gatewayAddress,
    });
  } catch (e) {
    if (e instanceof IntentError) throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
    captureExit(o.pcap, e);
  }
  report(cli, result);
}

export function registerIntentConform(intent: Command, cli: CliContext): void {
  const cmd = intent
    .command('conform')
    .description("judge a capture against a device's MUD file as the gateway's nftables rules would; exit 1 with violations")
    .requiredOption('--pcap <file>', 'a pcap or pcapng capture (Ethernet), or - for standard input (tcpdump -w -)')
    .requiredOption('--mud <mudfile>', 'the MUD file (JSON), or - for standard input')
    .requiredOption('--mac <mac>', "the device's MAC address")
    .option('--gateway-mac <mac>', 'the gateway: only frames between the device and it are judged (the rest never reach the gateway)')
    .option(
      '--gateway-address <addr>',
      "one of the gateway's own addresses (repeat): packets to or from it are delivered locally, not forwarded, and not judged",
      (v: string, prev: string[]) => [...prev, v],
      [],
    );
  addContextOptions(cmd)
    .option('--json', 'machine output')
    .action((o: ConformCliOptions) => run(cli, o));
}
