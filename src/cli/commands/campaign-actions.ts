/**
 * `iotopia campaign actions <id>`: a campaign's per-device actions as a table (device, wave, state,
 * attempts, report), each with why it failed, why its last report was refused and when a retry is
 * due. Device strings are escaped; the server pages, this command reads every page.
 */
import type { Command } from 'commander';
import { ACTION_STATES } from '../../store/campaign-repository.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiOptions, apiTarget, guidArg, listAll, withApiOptions } from './voucher-admin-client.ts';

interface ActionItem {
  id: string;
  guid: string;
  wave: number;
  state: string;
  attempts: number;
  reason?: string;
  reportVerified: boolean;
  reportError?: string;
  offeredAt?: string;
  notBefore?: string;
  updatedAt: string;
}

interface ActionsOptions extends ApiOptions {
  state?: string;
  wave?: string;
  guid?: string;
  json?: boolean;
}

const HEADER = `${'DEVICE'.padEnd(32)}  ${'WAVE'.padEnd(4)}  ${'STATE'.padEnd(11)}  ${'TRIES'.padEnd(5)}  ${'REPORT'.padEnd(8)}  UPDATED`;

function report(a: ActionItem): string {
  if (a.reportVerified) return 'verified';
  return a.reportError === undefined ? '-' : 'refused';
}

function rows(a: ActionItem, text: (s: string) => string): string[] {
  const wave = String(a.wave + 1).padEnd(4);
  const head = `${text(a.guid).padEnd(32)}  ${wave}  ${text(a.state).padEnd(11)}  ${String(a.attempts).padEnd(5)}  ${report(a).padEnd(8)}  ${text(a.updatedAt)}`;
  return [
    head,
    ...(a.reason === undefined ? [] : [`  reason: ${text(a.reason)}`]),
    ...(a.reportError === undefined ? [] : [`  report refused: ${text(a.reportError)}`]),
    ...(a.notBefore === undefined ? [] : [`  not offered before ${text(a.notBefore)}`]),
  ];
}

/** The query the options ask for; exit 2 for a state or wave the server would refuse. */
function actionsQuery(o: ActionsOptions): Record<string, string | undefined> {
  if (o.state !== undefined && !(ACTION_STATES as readonly string[]).includes(o.state))
    throw new CliExit(EXIT_USAGE, `--state: ${JSON.stringify(o.state)} is not one of ${ACTION_STATES.join(', ')}`);
  if (o.wave !== undefined && !/^[1-9]\d{0,1}$/.test(o.wave))
    throw new CliExit(EXIT_USAGE, `--wave: ${JSON.stringify(o.wave)} is not a wave number (from 1)`);
  return {
    state: o.state,
    wave: o.wave === undefined ? undefined : String(Number(o.wave) - 1),
    guid: o.guid === undefined ? undefined : guidArg(o.guid, '--guid'),
    limit: '1000',
  };
}

export function registerCampaignActions(campaign: Command, cli: CliContext): void {
  withApiOptions(campaign.command('actions'))
    .description("a campaign's per-device actions: state, wave, attempts, whether the SUIT report verified, why one was refused")
    .argument('<id>', 'the campaign id')
    .option('--state <state>', `only actions in this state: ${ACTION_STATES.join(', ')}`)
    .option('--wave <n>', 'only actions of this wave (from 1, as `campaign show` counts)')
    .option('--guid <guid>', 'only the action of this device')
    .option('--json', 'machine output: a JSON array (waves from 0, as the API counts)')
    .action(async (id: string, o: ActionsOptions) => {
      const query = actionsQuery(o);
      const items = await listAll<ActionItem>(apiTarget(o, cli.env), `/campaigns/${encodeURIComponent(id)}/actions`, query);
      const text = (s: string) => cli.output.text(s);
      cli.output.result(items, () => (items.length === 0 ? 'no actions' : [HEADER, ...items.flatMap((a) => rows(a, text))]));
    });
}
