/**
 * `iotopia intent learn --pcap FILE… --mac M [--gateway-mac G] --mud-url URL [-o FILE] [--json]`:
 * writes a MUD file learned from a device's captured traffic (src/intent/learn/).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LearnError } from '../../intent/learn/errors.ts';
import { Learner, type LearnOptions } from '../../intent/learn/learn.ts';
import type { LearnedRule } from '../../intent/learn/rules.ts';
import { MudSpecError } from '../../mud/author/errors.ts';
import { MudUrlError } from '../../mud/url/errors.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { captureExit, capturePackets } from './intent-urls.ts';

interface LearnCliOptions {
  pcap: string[];
  mac: string;
  gatewayMac?: string;
  mudUrl: string;
  output?: string;
  now?: string;
  modelName?: string;
  mfgName?: string;
  withBasics?: boolean;
  json?: boolean;
}

function learner(o: LearnCliOptions): Learner {
  const opts: LearnOptions = { mac: o.mac, mudUrl: o.mudUrl, includeBasics: o.withBasics === true };
  if (o.gatewayMac !== undefined) opts.gatewayMac = o.gatewayMac;
  if (o.modelName !== undefined) opts.modelName = o.modelName;
  if (o.mfgName !== undefined) opts.mfgName = o.mfgName;
  if (o.now !== undefined) {
    const t = new Date(o.now);
    if (Number.isNaN(t.getTime())) throw new CliExit(EXIT_USAGE, `--now: not a date and time: ${JSON.stringify(o.now)}`);
    opts.lastUpdate = t.toISOString();
  }
  try {
    return new Learner(opts);
  } catch (e) {
    if (e instanceof LearnError || e instanceof MudUrlError) throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
}

function describeRule(r: LearnedRule, text: (s: string) => string): string {
  const p = r.peer;
  const peer = p.kind === 'domain' ? text(p.name) : p.kind === 'address' ? p.network : p.kind;
  const f = r.flow;
  const what =
    f.protocol === 'ip'
      ? `protocol ${f.ipProtocol}`
      : f.protocol === 'icmp'
        ? `icmp${f.icmpType === undefined ? '' : ` type ${f.icmpType}`}`
        : `${f.protocol}/${f.port ?? 'any'}`;
  const dir = f.initiatedBy === 'peer' ? '<-' : '->';
  return `  ${dir} ${peer} ${f.family} ${what} (${r.locality}, ${r.episodes}x${r.peer.kind === 'domain' ? `, ${r.addresses.join(' ')}` : ''})`;
}

async function learn(cli: CliContext, o: LearnCliOptions): Promise<void> {
  if (o.pcap.filter((p) => p === '-').length > 1) throw new CliExit(EXIT_USAGE, '--pcap: standard input (-) can be read only once');
  const l = learner(o);
  for (const path of o.pcap) {
    try {
      for await (const p of capturePackets(cli, path)) l.add(p);
    } catch (e) {
      captureExit(path, e);
    }
  }
  let result: ReturnType<Learner['finish']>;
  try {
    result = l.finish();
  } catch (e) {
    if (e instanceof LearnError || e instanceof MudSpecError) throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
  const text = cli.output.text;
  const file = `${JSON.stringify(result.json, null, 2)}\n`;
  if (o.output !== undefined) {
    try {
      await writeFile(pathIn(cli, o.output), file);
    } catch (e) {
      throw new CliExit(EXIT_USAGE, `cannot write ${o.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const summary = [
    `${result.rules.length} rule(s) from ${result.stats.devicePackets} packet(s) of ${text(o.mac)}`,
    ...result.rules.map((r) => describeRule(r, text)),
  ];
  if (cli.output.json) {
    cli.output.result(
      { mud: result.json, rules: result.rules, stats: result.stats, ...(o.output === undefined ? {} : { output: o.output }) },
      undefined,
      { indent: 2 },
    );
  } else if (o.output === undefined) {
    cli.output.out(file);
    cli.output.err(`${summary.join('\n')}\n`);
  } else {
    cli.output.result(undefined, () => [...summary, `wrote ${text(o.output ?? '')}`]);
  }
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerIntentLearn(intent: Command, cli: CliContext): void {
  intent
    .command('learn')
    .description(
      "write a MUD file (RFC 8520) from a device's captured traffic: peers by DNS name, local network or address; service ports; who initiates",
    )
    .requiredOption('--pcap <file>', 'a pcap or pcapng capture (Ethernet), or - for standard input (repeat for several)', collect, [])
    .requiredOption('--mac <mac>', "the device's MAC address")
    .option(
      '--gateway-mac <mac>',
      "the gateway's MAC address: peers reached only through it are on the internet unless private or in the device's subnet",
    )
    .requiredOption('--mud-url <url>', "the file's mud-url (https)")
    .option('-o, --output <file>', 'write the MUD file here instead of standard output')
    .option('--now <time>', "last-update (RFC 3339); default: the time of the device's last packet")
    .option('--model-name <name>', 'model-name of the file')
    .option('--mfg-name <name>', 'mfg-name of the file')
    .option('--with-basics', 'also write ACEs for DHCPv4/v6 and IPv6 neighbour discovery, which enforcement allows as network basics')
    .option('--json', 'print the MUD file, the learned rules and counts as one JSON document')
    .action((o: LearnCliOptions) => learn(cli, o));
}
