/**
 * `iotopia manufacturer di-token create|list|revoke`: manufacturing credentials, through the
 * management API (a manufacturer or admin API token). A factory station presents the DI token on
 * DI.AppStart (`iotopia device init --di-token`, IOTOPIA_DI_TOKEN). The secret is printed once.
 */
import type { Command } from 'commander';
import type { DiTokenView } from '../../onboarding/di-tokens.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiOptions, apiRequest, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

const PATH = '/manufacturer/di-tokens';
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--expires`: an ISO 8601 time, or a duration from now (30m, 8h, 7d, 2w). */
export function parseExpiry(text: string, now: Date): Date {
  const d = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (d !== null) return new Date(now.getTime() + Number(d[1]) * (UNIT_MS[d[2] as string] as number));
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new CliExit(EXIT_USAGE, `--expires: ${JSON.stringify(text)} is neither an ISO 8601 time nor a duration like 8h, 30m, 7d`);
  if (at.getTime() <= now.getTime()) throw new CliExit(EXIT_USAGE, `--expires: ${at.toISOString()} is not in the future`);
  return at;
}

function parseDevices(text: string): number {
  const n = Number(text);
  if (!/^\d{1,10}$/.test(text) || n < 1) throw new CliExit(EXIT_USAGE, '--devices: a whole number of devices, at least 1');
  return n;
}

function line(t: DiTokenView, text: (s: string) => string): string {
  const devices = t.maxDevices === undefined ? `${t.used} made, no limit` : `${t.used} of ${t.maxDevices} made`;
  const until = t.expiresAt === undefined ? 'no expiry' : `expires ${text(t.expiresAt)}`;
  return `${text(t.id)}  ${text(t.name).padEnd(16)}  ${text(t.status).padEnd(8)}  ${devices}, ${until}`;
}

export function registerDiToken(manufacturer: Command, cli: CliContext): void {
  const { output } = cli;
  const diToken = manufacturer
    .command('di-token')
    .description('manufacturing credentials: DI tokens a factory station presents on DI.AppStart')
    .exitOverride();

  withApiOptions(diToken.command('create'))
    .description('make a DI token, good for N devices until a time; its secret is printed only now')
    .requiredOption('--name <name>', 'what the token is for: the factory line or station')
    .option('--devices <n>', 'how many devices it may make (default: no limit)')
    .option('--expires <when>', 'when it stops working: an ISO 8601 time or a duration from now such as 8h, 30m, 7d (default: never)')
    .option('--json', 'machine output')
    .exitOverride()
    .action(async (o: ApiOptions & { name: string; devices?: string; expires?: string; json?: boolean }) => {
      const body = {
        name: o.name,
        ...(o.devices === undefined ? {} : { maxDevices: parseDevices(o.devices) }),
        ...(o.expires === undefined ? {} : { expiresAt: parseExpiry(o.expires, new Date()).toISOString() }),
      };
      const answer = await apiRequest(apiTarget(o, cli.env), 'POST', PATH, { data: JSON.stringify(body), type: 'application/json' });
      const made = (await answer.json()) as DiTokenView & { secret: string };
      output.result(made, () => [
        `DI token created: ${line(made, output.text)}`,
        `secret (shown only this once): ${output.text(made.secret)}`,
        'give it to the station: IOTOPIA_DI_TOKEN=<secret> iotopia device init --manufacturer <url>',
      ]);
    });

  withApiOptions(diToken.command('list'))
    .description('list DI tokens (ids, names, devices made, expiry, status; never secrets)')
    .option('--json', 'machine output: a JSON array')
    .exitOverride()
    .action(async (o: ApiOptions & { json?: boolean }) => {
      const items = await listAll<DiTokenView>(apiTarget(o, cli.env), PATH, { limit: '1000' });
      output.result(items, () => (items.length === 0 ? 'no DI tokens' : items.map((t) => line(t, output.text))));
    });

  withApiOptions(diToken.command('revoke'))
    .description('revoke a DI token: DI.AppStart with it is refused from now on')
    .argument('<id>', 'the token id (from create or list)')
    .option('--json', 'machine output')
    .exitOverride()
    .action(async (id: string, o: ApiOptions & { json?: boolean }) => {
      if (!/^[0-9a-f]{1,64}$/.test(id)) throw new CliExit(EXIT_USAGE, `<id>: ${JSON.stringify(id)} is not a DI token id (hex)`);
      const revoked = (await (await apiRequest(apiTarget(o, cli.env), 'POST', `${PATH}/${id}/revoke`)).json()) as DiTokenView;
      output.result(revoked, () => `DI token ${output.text(revoked.id)} revoked`);
    });
  diToken.exitOverride();
}
