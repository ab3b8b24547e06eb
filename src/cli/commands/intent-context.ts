/**
 * The options every `intent` command that resolves a MUD file for one device shares (`compile`,
 * `apply`, `conform`): the device context of src/intent/resolve.ts, the network basics, `--lenient`,
 * and the reading, resolving and compiling of the file with its errors mapped to exit codes.
 */
import type { Command } from 'commander';
import { IntentError } from '../../intent/errors.ts';
import { compileNft } from '../../intent/nft-compile.ts';
import { resolveMud } from '../../intent/resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../../intent/resolve-types.ts';
import type { MudFile } from '../../mud/model/mud-file.ts';
import { MudInputError } from '../../mud/validate/errors.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';

export interface ContextOptions {
  mac: string;
  ipv4?: string;
  ipv6?: string;
  controller: string[];
  myController: string[];
  manufacturer: string[];
  model: string[];
  localNetwork: string[];
  resolve: string[];
  dnsServer: string[];
  deviceInterface: string[];
  basics: boolean;
  lenient?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** KEY=ADDR pairs (split at the last `=`, since URIs may hold one) grouped into a map of address lists. */
export function pairsToMap(pairs: string[], option: string, lowerKey = false): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new CliExit(EXIT_USAGE, `${option}: expected KEY=ADDR, got ${JSON.stringify(pair)}`);
    const key = lowerKey ? pair.slice(0, at).toLowerCase().replace(/\.$/, '') : pair.slice(0, at);
    map.set(key, [...(map.get(key) ?? []), pair.slice(at + 1)]);
  }
  return map;
}

/** The device context the options describe. */
export function deviceContext(o: ContextOptions): DeviceContext {
  const ctx: DeviceContext = {
    mac: o.mac,
    controllers: pairsToMap(o.controller, '--controller'),
    myControllers: o.myController,
    localNetworks: o.localNetwork,
    names: pairsToMap(o.resolve, '--resolve', true),
    manufacturers: pairsToMap(o.manufacturer, '--manufacturer', true),
    models: pairsToMap(o.model, '--model'),
  };
  if (o.ipv4 !== undefined) ctx.ipv4 = o.ipv4;
  if (o.ipv6 !== undefined) ctx.ipv6 = o.ipv6;
  return ctx;
}

/** The MUDFILE argument and --mac, for the commands that take the file as their argument. */
export function addMudFileArguments(cmd: Command): Command {
  return cmd
    .argument('<mudfile>', 'the MUD file (JSON), or - for standard input')
    .requiredOption('--mac <mac>', "the device's MAC address; the device's chains and sets are named after it");
}

/** Adds the device-context options (everything but the file, --mac and --json) to `cmd`. */
export function addContextOptions(cmd: Command): Command {
  return cmd
    .option('--ipv4 <addr>', "the device's IPv4 address (traffic routed to it is matched by it as well as by MAC)")
    .option('--ipv6 <addr>', "the device's IPv6 address (likewise)")
    .option('--controller <uri=addr>', 'RFC 8520 controller: addresses of a controller class URI (repeat)', collect, [])
    .option('--my-controller <addr>', "RFC 8520 my-controller: this device's controller addresses (repeat)", collect, [])
    .option(
      '--manufacturer <authority=addr>',
      'RFC 8520 manufacturer/same-manufacturer: addresses of devices whose MUD URL has this authority (repeat)',
      collect,
      [],
    )
    .option('--model <mudurl=addr>', 'RFC 8520 model: addresses of devices with exactly this MUD URL (repeat)', collect, [])
    .option('--local-network <cidr>', 'RFC 8520 local-networks: a local prefix (repeat)', collect, [])
    .option('--resolve <name=addr>', 'a DNS name of the file and an address it resolves to (repeat); no lookups are made', collect, [])
    .option('--dns-server <addr>', 'a resolver the device may query on port 53 (repeat); none by default', collect, [])
    .option(
      '--device-interface <iface>',
      'a gateway interface the managed devices sit behind (repeat): new traffic forwarded out of it to an address no managed device was given is dropped; none by default',
      collect,
      [],
    )
    .option('--no-basics', 'do not allow the network basics (IPv6 ND/RA, DHCPv4/v6, DNS to --dns-server) by default')
    .option('--lenient', 'accept the pre-RFC MUD shape, and leave out (with a warning) ACEs that cannot be resolved instead of failing');
}

/** Reads and parses a MUD file (`-`: standard input); not a valid MUD file is exit 2. */
export async function readMudFile(cli: CliContext, file: string, lenient: boolean): Promise<MudFile> {
  const bytes = await readInput(cli, file);
  let parsed: ReturnType<typeof parseMud>;
  try {
    parsed = parseMud(bytes, { lenient });
  } catch (e) {
    if (e instanceof MudInputError) throw new CliExit(EXIT_USAGE, `${file}: ${e.code}: ${e.message}`);
    throw e;
  }
  if (parsed.mud === undefined) {
    const first = parsed.errors[0];
    throw new CliExit(
      EXIT_USAGE,
      `${file}: not a valid MUD file (${parsed.errors.length} errors; first ${first?.code} at ${first?.path || '/'}); see iotopia mud validate`,
    );
  }
  return parsed.mud;
}

/** Reads, resolves and compiles the file; bad input of any kind ends with exit 2. Warnings go to stderr. */
export async function compileFromOptions(
  cli: CliContext,
  file: string,
  o: ContextOptions,
  deviceName?: string,
): Promise<{ policy: ResolvedPolicy; script: string }> {
  const mud = await readMudFile(cli, file, o.lenient === true);
  try {
    const policy = resolveMud(mud, deviceContext(o), { lenient: o.lenient === true });
    const script = compileNft(policy, {
      basics: o.basics,
      dnsServers: o.dnsServer,
      deviceInterfaces: o.deviceInterface,
      ...(deviceName === undefined ? {} : { deviceName }),
    });
    for (const w of policy.warnings) cli.output.err(`warning ${w.code}: ${cli.output.text(w.message)}\n`);
    return { policy, script };
  } catch (e) {
    if (e instanceof IntentError) throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
}
