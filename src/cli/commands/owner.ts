/**
 * `iotopia owner to2-address show|set|reset` and `iotopia owner serviceinfo show|set|reset`: the
 * owner's TO2 address (FDO 1.1 §3.3.14) and ServiceInfo choice on a server, through the management API.
 */
import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { To2AddressView } from '../../onboarding/to2-address.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, apiRequest, apiTarget, guidArg, withApiOptions } from './voucher-admin-client.ts';

const TO2_PATH = '/owner/to2-address';

/** `https://owner.example:8443` → one RVTO2Addr entry; the server checks the values again. */
export function parseAddress(text: string): To2AddressView {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliExit(EXIT_USAGE, `--address: ${JSON.stringify(text)} is not a URL like https://owner.example:8443`);
  }
  const protocol = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (protocol === undefined) throw new CliExit(EXIT_USAGE, `--address: ${text}: only http and https`);
  if (url.pathname !== '/' || url.search !== '' || url.username !== '')
    throw new CliExit(EXIT_USAGE, `--address: ${text}: scheme, host and port only`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  return { ...(isIP(host) === 0 ? { dns: host } : { ip: host }), port, protocol };
}

interface To2Answer {
  addresses: To2AddressView[];
  source: 'setting' | 'default';
}

function to2Lines(a: To2Answer, text: (s: string) => string): string[] {
  const from = a.source === 'setting' ? 'set by the owner' : "default, from the server's address";
  const host = (e: To2AddressView) => text(String(e.dns ?? (e.ip?.includes(':') ? `[${e.ip}]` : e.ip)));
  return [`TO2 address (${from}):`, ...a.addresses.map((e) => `  ${e.protocol}://${host(e)}:${e.port}`)];
}

interface ServiceInfoAnswer {
  plans: Record<string, unknown>[];
  source: 'device' | 'default' | 'none';
}

function serviceInfoLines(a: ServiceInfoAnswer, text: (s: string) => string): string[] {
  if (a.plans.length === 0) return [`no ServiceInfo (${a.source})`];
  const what = (p: Record<string, unknown>) => {
    const { module, data, ...rest } = p;
    const shown = Object.entries(rest).map(([k, v]) => `${text(k)}=${text(typeof v === 'string' ? v : JSON.stringify(v))}`);
    if (typeof data === 'string') shown.push(`data=${Buffer.from(data, 'base64').length} bytes`);
    return `${text(String(module))}  ${shown.join('  ')}`;
  };
  return [`ServiceInfo (${a.source}):`, ...a.plans.map((p, i) => `  ${i + 1}. ${what(p)}`)];
}

const serviceInfoPath = (device: string | undefined) =>
  device === undefined ? '/owner/serviceinfo/default' : `/owner/devices/${guidArg(device, '--device')}/serviceinfo`;

export function registerOwner(program: Command, cli: CliContext): void {
  const printTo2 = (a: To2Answer) => cli.output.result(a, () => to2Lines(a, cli.output.text));
  const printServiceInfo = (a: ServiceInfoAnswer) => cli.output.result(a, () => serviceInfoLines(a, cli.output.text));
  const owner = program.command('owner').description("a server's owner role, through the management API").exitOverride();
  const to2 = owner
    .command('to2-address')
    .description('where devices reach this owner for TO2, as registered with the rendezvous')
    .exitOverride();

  withApiOptions(to2.command('show'))
    .description('show the TO2 address, and whether it was set or is the default')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      printTo2((await (await apiRequest(apiTarget(opts, cli.env), 'GET', TO2_PATH)).json()) as To2Answer);
    });

  withApiOptions(to2.command('set'))
    .description('set the TO2 address registered from now on (existing registrations keep theirs until renewed)')
    .requiredOption('--address <url>', 'http(s)://host:port, repeatable, in order of preference', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { address: string[]; json?: boolean }) => {
      const addresses = opts.address.map(parseAddress);
      const body = { data: JSON.stringify({ addresses }), type: 'application/json' };
      printTo2((await (await apiRequest(apiTarget(opts, cli.env), 'PUT', TO2_PATH, body)).json()) as To2Answer);
    });

  withApiOptions(to2.command('reset'))
    .description("forget the stored TO2 address; the server's computed one applies again")
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      printTo2((await (await apiRequest(apiTarget(opts, cli.env), 'DELETE', TO2_PATH)).json()) as To2Answer);
    });

  const si = owner.command('serviceinfo').description('the ServiceInfo devices receive in TO2: a default, and per device').exitOverride();

  withApiOptions(si.command('show'))
    .description('show the default ServiceInfo, or what one device receives')
    .option('--device <guid>', 'the device (its GUID); the default when absent')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { device?: string; json?: boolean }) => {
      const path = serviceInfoPath(opts.device);
      printServiceInfo((await (await apiRequest(apiTarget(opts, cli.env), 'GET', path)).json()) as ServiceInfoAnswer);
    });

  withApiOptions(si.command('set'))
    .description('set the default ServiceInfo, or one device’s own, from a JSON file ({ "plans": [...] } or the array)')
    .argument('<file>', 'JSON file, or - for standard input')
    .option('--device <guid>', 'the device (its GUID); the default when absent')
    .option('--json', 'machine output')
    .action(async (file: string, opts: ApiOptions & { device?: string; json?: boolean }) => {
      const path = serviceInfoPath(opts.device);
      const target = apiTarget(opts, cli.env);
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(await readInput(cli, file)).toString('utf8'));
      } catch (e) {
        throw new CliExit(EXIT_CHECK_FAILED, `${file}: not JSON: ${(e as Error).message}`);
      }
      const body = { data: JSON.stringify(Array.isArray(value) ? { plans: value } : value), type: 'application/json' };
      printServiceInfo((await (await apiRequest(target, 'PUT', path, body)).json()) as ServiceInfoAnswer);
    });

  withApiOptions(si.command('reset'))
    .description('remove the default ServiceInfo, or one device’s own (it gets the default again)')
    .option('--device <guid>', 'the device (its GUID); the default when absent')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { device?: string; json?: boolean }) => {
      const path = serviceInfoPath(opts.device);
      printServiceInfo((await (await apiRequest(apiTarget(opts, cli.env), 'DELETE', path)).json()) as ServiceInfoAnswer);
    });
}
