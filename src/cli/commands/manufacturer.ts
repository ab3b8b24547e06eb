/**
 * `iotopia manufacturer rv-info show|set|reset`: the rendezvous info a server's DI writes into new
 * vouchers and device credentials (FDO 1.1 §3.3.13), through the management API; and
 * `iotopia manufacturer di-token …` (manufacturer-di-token.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RvDirectiveJson } from '../../onboarding/rv-info.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { registerDiToken } from './manufacturer-di-token.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

const PATH = '/manufacturer/rendezvous-info';
const NUMERIC = new Set(['devPort', 'ownerPort', 'delaySec', 'medium']);
const FLAGS = new Set(['devOnly', 'ownerOnly', 'userInput', 'bypass']);

interface RvInfoAnswer {
  directives: RvDirectiveJson[];
  source: 'stored' | 'default';
}

/**
 * One directive from `key=value,key=value` (flags alone: `devOnly`). Only the shape is read
 * here; the server checks the values and names any it refuses.
 */
export function parseDirective(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (key in out) throw new CliExit(EXIT_USAGE, `--directive: ${key} is given twice in ${JSON.stringify(text)}`);
    if (FLAGS.has(key)) {
      if (value !== undefined && value !== 'true' && value !== 'false')
        throw new CliExit(EXIT_USAGE, `--directive: ${key} is a flag (true or false)`);
      out[key] = value !== 'false';
    } else if (value === undefined || value === '') {
      throw new CliExit(EXIT_USAGE, `--directive: ${key} needs a value (${key}=…)`);
    } else if (NUMERIC.has(key)) {
      if (!/^\d+$/.test(value)) throw new CliExit(EXIT_USAGE, `--directive: ${key}=${value} is not a non-negative integer`);
      out[key] = Number(value);
    } else {
      out[key] = value;
    }
  }
  if (Object.keys(out).length === 0) throw new CliExit(EXIT_USAGE, '--directive: empty');
  return out;
}

function describe(d: RvDirectiveJson, i: number, text: (s: string) => string): string {
  const where = text(d.dns ?? d.ipAddress ?? '?');
  const ports =
    d.devPort === undefined && d.ownerPort === undefined ? '' : ` device port ${d.devPort ?? '-'}, owner port ${d.ownerPort ?? '-'}`;
  const rest = Object.entries(d)
    .filter(([k]) => !['dns', 'ipAddress', 'devPort', 'ownerPort', 'protocol', 'wifiPw'].includes(k))
    .map(([k, v]) => (v === true ? k : `${k}=${text(String(v))}`));
  if (d.wifiPw !== undefined) rest.push('wifiPw=***');
  return `${i + 1}. ${d.protocol ?? 'any protocol'} ${where}${ports}${rest.length === 0 ? '' : `  (${rest.join(', ')})`}`;
}

function rvInfoLines(answer: RvInfoAnswer, text: (s: string) => string): string[] {
  const from = answer.source === 'stored' ? 'set by the manufacturer' : "default, from the server's address";
  return [`rendezvous info (${from}):`, ...answer.directives.map((d, i) => `  ${describe(d, i, text)}`)];
}

export function registerManufacturer(program: Command, cli: CliContext): void {
  const print = (answer: RvInfoAnswer) => cli.output.result(answer, () => rvInfoLines(answer, cli.output.text));
  const manufacturer = program
    .command('manufacturer')
    .description("a server's manufacturer role, through the management API")
    .exitOverride();
  const rvInfo = manufacturer
    .command('rv-info')
    .description('the rendezvous info DI puts into new vouchers and device credentials')
    .exitOverride();

  withApiOptions(rvInfo.command('show'))
    .description('show the rendezvous info new devices get, and whether it was set or is the default')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      print((await (await apiRequest(apiTarget(opts, cli.env), 'GET', PATH)).json()) as RvInfoAnswer);
    });

  withApiOptions(rvInfo.command('set'))
    .description('set the rendezvous info for devices made from now on (vouchers already made keep theirs)')
    .option(
      '--directive <spec>',
      'one directive, tried in the order given: dns=HOST or ipAddress=IP, devPort=N, ownerPort=N, protocol=http|https|…, delaySec=N, devOnly, ownerOnly, bypass (repeat for more)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--file <path>', 'read { "directives": [ … ] } from a JSON file instead')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { directive: string[]; file?: string; json?: boolean }) => {
      if (opts.directive.length > 0 === (opts.file !== undefined))
        throw new CliExit(EXIT_USAGE, 'give --directive (one or more) or --file');
      let body: unknown;
      if (opts.file !== undefined) {
        try {
          body = JSON.parse(readFileSync(pathIn(cli, opts.file), 'utf8'));
        } catch (e) {
          throw new CliExit(EXIT_USAGE, `--file: ${(e as Error).message}`);
        }
      } else {
        body = { directives: opts.directive.map(parseDirective) };
      }
      const answer = await apiRequest(apiTarget(opts, cli.env), 'PUT', PATH, { data: JSON.stringify(body), type: 'application/json' });
      print((await answer.json()) as RvInfoAnswer);
    });

  withApiOptions(rvInfo.command('reset'))
    .description("forget the stored rendezvous info: new devices get the default from the server's address")
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      print((await (await apiRequest(apiTarget(opts, cli.env), 'DELETE', PATH)).json()) as RvInfoAnswer);
    });
  for (const c of [manufacturer, rvInfo, ...rvInfo.commands]) c.exitOverride();
  registerDiToken(manufacturer, cli);
}
