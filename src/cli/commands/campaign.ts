/**
 * `iotopia campaign create|list|show|actions|start|pause|resume|next-wave|cancel|rollback`: update campaigns
 * on an owner server through its management API (the rules are the server's, src/lifecycle/campaigns).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { registerCampaignActions } from './campaign-actions.ts';
import { type ApiOptions, apiRequest, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

interface CampaignItem {
  id: string;
  name: string;
  releaseId: string;
  state: string;
  currentWave: number;
  waves: unknown[];
  reason?: string;
  progress?: { wave: number; counts: Record<string, number> }[];
}

const collect = (v: string, all: string[]): string[] => [...all, v];
const CAMPAIGN_STATES = ['draft', 'running', 'paused', 'cancelled', 'finished'];
const OPERATIONS = ['start', 'pause', 'next-wave', 'cancel'] as const;

const OPERATION_HELP: Record<(typeof OPERATIONS)[number], string> = {
  start: 'start a campaign: plan its waves and offer the first',
  pause: 'pause a campaign: nothing more is offered until it is resumed',
  'next-wave': 'start the next wave of a campaign now (for waves without a success threshold)',
  cancel: 'cancel a campaign: every action not yet finished is cancelled',
};

function line(c: CampaignItem, text: (s: string) => string): string {
  const reason = c.reason === undefined ? '' : `  (${text(c.reason)})`;
  return `${text(c.id)}  ${text(c.name)}  release ${text(c.releaseId)}  ${text(c.state)}  wave ${c.currentWave + 1}/${c.waves.length}${reason}`;
}

function progressLines(c: CampaignItem, text: (s: string) => string): string[] {
  return (c.progress ?? []).map(
    (w) =>
      `  wave ${w.wave + 1}: ${Object.entries(w.counts)
        .map(([s, n]) => `${text(s)} ${n}`)
        .join(', ')}`,
  );
}

/** `--wave 10%` or `--wave 5`. */
function waveArg(spec: string): { count: number } | { percent: number } {
  const m = /^(\d{1,9})(%?)$/.exec(spec.trim());
  if (m === null) throw new CliExit(EXIT_USAGE, `--wave: ${JSON.stringify(spec)} is not a count or a percentage (e.g. 10 or 25%)`);
  return m[2] === '%' ? { percent: Number(m[1]) } : { count: Number(m[1]) };
}

function intArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new CliExit(EXIT_USAGE, `${name}: ${JSON.stringify(v)} is not a whole number`);
  return Number(v);
}

interface CreateOptions extends ApiOptions {
  name: string;
  release: string;
  target?: string;
  device: string[];
  wave: string[];
  type?: string;
  confirm?: boolean;
  window?: string;
  windowMinutes?: string;
  timeZone?: string;
  errorThreshold?: string;
  successThreshold?: string;
  timeout?: string;
  retries?: string;
  retryBackoff?: string;
  json?: boolean;
}

function createBody(o: CreateOptions): Record<string, unknown> {
  if ((o.target === undefined) === (o.device.length === 0))
    throw new CliExit(EXIT_USAGE, 'give either --target QUERY or --device GUID (repeat)');
  if (o.window !== undefined && o.windowMinutes === undefined) throw new CliExit(EXIT_USAGE, '--window needs --window-minutes');
  const num = (name: string, v: string | undefined, key: string) => {
    const n = intArg(name, v);
    return n === undefined ? {} : { [key]: n };
  };
  return {
    name: o.name,
    releaseId: o.release,
    ...(o.target === undefined ? { targetGuids: o.device.map((g) => g.replaceAll('-', '').toLowerCase()) } : { targetQuery: o.target }),
    waves: (o.wave.length === 0 ? ['100%'] : o.wave).map(waveArg),
    ...(o.type === undefined ? {} : { actionType: o.type }),
    ...(o.confirm === true ? { confirm: true } : {}),
    ...(o.window === undefined
      ? {}
      : {
          window: {
            cron: o.window,
            minutes: intArg('--window-minutes', o.windowMinutes),
            ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
          },
        }),
    ...num('--error-threshold', o.errorThreshold, 'errorThreshold'),
    ...num('--success-threshold', o.successThreshold, 'successThreshold'),
    ...num('--timeout', o.timeout, 'timeoutSeconds'),
    ...(o.retries === undefined && o.retryBackoff === undefined
      ? {}
      : { retries: { ...num('--retries', o.retries, 'attempts'), ...num('--retry-backoff', o.retryBackoff, 'backoffSeconds') } }),
  };
}

export function registerCampaign(program: Command, cli: CliContext): void {
  const campaign = program.command('campaign').description('update campaigns: a release rolled out to devices in waves').exitOverride();
  const text = (s: string) => cli.output.text(s);
  withApiOptions(campaign.command('create'))
    .description('create a campaign (draft) of a published release')
    .requiredOption('--name <name>', 'a name for people')
    .requiredOption('--release <id>', 'the release to roll out')
    .option('--target <query>', 'the devices: an RSQL query (docs/lifecycle.md), e.g. "tag==canary;state==active"')
    .option('--device <guid>', 'a device by GUID instead of --target (repeat)', collect, [])
    .option('--wave <size>', 'a wave: a count or a percentage like 10% (repeat; default one wave of everything)', collect, [])
    .option('--type <type>', 'forced, soft or download-only (default forced)')
    .option('--confirm', 'devices must confirm before installing')
    .option('--window <cron>', 'a maintenance window opens at these times (cron)')
    .option('--window-minutes <n>', 'and stays open this long')
    .option('--time-zone <tz>', 'the window time zone (default UTC)')
    .option('--error-threshold <percent>', 'pause when more than this percentage of a wave failed (default 10)')
    .option('--success-threshold <percent>', 'start the next wave when this percentage succeeded (default: by hand, next-wave)')
    .option('--timeout <seconds>', 'per-device timeout after the offer (default 3600)')
    .option('--retries <n>', 'offer a failed or timed-out action again up to n times (0-10, default 0)')
    .option('--retry-backoff <seconds>', 'wait this long before the first retry, doubling per attempt up to an hour (default 60)')
    .option('--json', 'machine output: the campaign')
    .action(async (o: CreateOptions) => {
      const body = createBody(o);
      const res = await apiRequest(apiTarget(o, cli.env), 'POST', '/campaigns', { data: JSON.stringify(body), type: 'application/json' });
      const c = (await res.json()) as CampaignItem;
      cli.output.result(c, () => line(c, text));
    });
  withApiOptions(campaign.command('list'))
    .description("list an owner server's campaigns")
    .option('--state <state>', `only campaigns in this state: ${CAMPAIGN_STATES.join(', ')}`)
    .option('--json', 'machine output: a JSON array')
    .action(async (o: ApiOptions & { state?: string; json?: boolean }) => {
      if (o.state !== undefined && !CAMPAIGN_STATES.includes(o.state))
        throw new CliExit(EXIT_USAGE, `--state: ${JSON.stringify(o.state)} is not one of ${CAMPAIGN_STATES.join(', ')}`);
      const items = await listAll<CampaignItem>(apiTarget(o, cli.env), '/campaigns', { state: o.state, limit: '100' });
      cli.output.result(items, () => (items.length === 0 ? 'no campaigns' : items.map((c) => line(c, text))));
    });
  withApiOptions(campaign.command('show'))
    .description('one campaign with its progress per wave')
    .argument('<id>', 'the campaign id')
    .option('--json', 'machine output: the campaign')
    .action(async (id: string, o: ApiOptions & { json?: boolean }) => {
      const res = await apiRequest(apiTarget(o, cli.env), 'GET', `/campaigns/${encodeURIComponent(id)}`);
      const c = (await res.json()) as CampaignItem;
      cli.output.result(c, () => [line(c, text), ...progressLines(c, text)]);
    });
  registerCampaignActions(campaign, cli);
  for (const op of OPERATIONS)
    withApiOptions(campaign.command(op))
      .description(OPERATION_HELP[op])
      .argument('<id>', 'the campaign id')
      .option('--reason <text>', 'why (pause and cancel)')
      .option('--json', 'machine output: the campaign')
      .action(async (id: string, o: ApiOptions & { reason?: string; json?: boolean }) => {
        const body = JSON.stringify(o.reason === undefined ? {} : { reason: o.reason });
        const res = await apiRequest(apiTarget(o, cli.env), 'POST', `/campaigns/${encodeURIComponent(id)}/${op}`, {
          data: body,
          type: 'application/json',
        });
        const c = (await res.json()) as CampaignItem;
        cli.output.result(c, () => line(c, text));
      });
  registerResume(campaign, cli);
  registerRollback(campaign, cli);
  for (const c of [campaign, ...campaign.commands]) c.exitOverride();
}

async function post(o: ApiOptions, cli: CliContext, path: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await apiRequest(apiTarget(o, cli.env), 'POST', path, { data: JSON.stringify(body), type: 'application/json' });
  return res.json();
}

function registerResume(campaign: Command, cli: CliContext): void {
  withApiOptions(campaign.command('resume'))
    .description(
      'resume a paused campaign (the failures so far count as seen); with --release, move it to a fixed release and offer the failed devices again',
    )
    .argument('<id>', 'the campaign id')
    .option('--release <id>', 'a published release of the same model with a higher sequence number')
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--json', 'machine output: the campaign')
    .action(async (id: string, o: ApiOptions & { release?: string; reason?: string; json?: boolean }) => {
      const body = {
        ...(o.release === undefined ? {} : { releaseId: o.release }),
        ...(o.reason === undefined ? {} : { reason: o.reason }),
      };
      const c = (await post(o, cli, `/campaigns/${encodeURIComponent(id)}/resume`, body)) as CampaignItem;
      cli.output.result(c, () => line(c, (s) => cli.output.text(s)));
    });
}

interface RollbackOptions extends ApiOptions {
  name?: string;
  wave: string[];
  start?: boolean;
  json?: boolean;
}

function registerRollback(campaign: Command, cli: CliContext): void {
  withApiOptions(campaign.command('rollback'))
    .description(
      'create a campaign bringing the devices this campaign updated back to the previous published release (rebuilt and signed with a higher sequence number)',
    )
    .argument('<id>', 'the campaign to roll back')
    .option('--name <name>', 'a name for people (default "rollback of <name>")')
    .option('--wave <size>', 'a wave: a count or a percentage like 10% (repeat; default one wave of everything)', collect, [])
    .option('--start', 'start the rollback campaign now (default: it stays a draft)')
    .option('--json', 'machine output: { campaign, release }')
    .action(async (id: string, o: RollbackOptions) => {
      const body = {
        ...(o.name === undefined ? {} : { name: o.name }),
        ...(o.wave.length === 0 ? {} : { waves: o.wave.map(waveArg) }),
        ...(o.start === true ? { start: true } : {}),
      };
      const r = (await post(o, cli, `/campaigns/${encodeURIComponent(id)}/rollback`, body)) as {
        campaign: CampaignItem;
        release: { id: string; version: string; sequenceNumber: number };
      };
      const text = (s: string) => cli.output.text(s);
      cli.output.result(r, () => [
        line(r.campaign, text),
        `  release ${text(r.release.id)} ${text(r.release.version)} sequence number ${r.release.sequenceNumber}`,
      ]);
    });
}
