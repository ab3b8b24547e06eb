/**
 * The operator's side of campaigns: create (checked, against a published release), start (plans
 * every wave at once: one `scheduled` action per target device with its wave index; the current
 * wave decides what is offered), pause, resume, next wave by hand, cancel, progress. Each change
 * of a campaign is conditional on its state and audited in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { type CampaignRecord, type CampaignState, IN_FLIGHT_STATES, type WaveCounts } from '../../store/campaign-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { Page, PageRequest } from '../../store/page.ts';
import type { Repositories } from '../../store/store.ts';
import { type CampaignRequest, campaignInput } from './campaign-input.ts';
import type { CampaignContext } from './context.ts';
import { CampaignError } from './errors.ts';
import { selectTargets } from './select-targets.ts';
import { planWaves } from './waves.ts';

/** Action states that are over; the others can still be cancelled. */
export const FINAL_ACTION_STATES = ['succeeded', 'failed', 'cancelled', 'timed-out'] as const;
export const OPEN_ACTION_STATES = ['scheduled', ...IN_FLIGHT_STATES] as const;

export interface CampaignProgress {
  campaign: CampaignRecord;
  waves: WaveCounts[];
}

export interface CampaignService {
  create(request: CampaignRequest, actor: string): Promise<CampaignRecord>;
  get(id: string): Promise<CampaignProgress>;
  list(request?: PageRequest & { state?: CampaignState }): Promise<Page<CampaignRecord>>;
  start(id: string, actor: string): Promise<CampaignRecord>;
  pause(id: string, actor: string, reason?: string): Promise<CampaignRecord>;
  resume(id: string, actor: string): Promise<CampaignRecord>;
  nextWave(id: string, actor: string): Promise<CampaignRecord>;
  cancel(id: string, actor: string, reason?: string): Promise<CampaignRecord>;
}

/** Moves a campaign from one of `from` and audits it, in one transaction; ERR_CAMPAIGN_STATE when it is elsewhere. */
export async function moveCampaign(
  ctx: CampaignContext,
  id: string,
  from: readonly CampaignState[],
  change: Parameters<Repositories['campaigns']['update']>[2] & { state: CampaignState },
  actor: string,
  extra: { fromWave?: number; action?: string; alsoDo?: (r: Repositories) => Promise<void> } = {},
): Promise<CampaignRecord> {
  return ctx.store.transaction(async (r) => {
    const before = await r.campaigns.get(id);
    if (before === undefined) throw new CampaignError('ERR_CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
    const after = await r.campaigns.update(id, from, change, extra.fromWave);
    if (after === undefined)
      throw new CampaignError(
        'ERR_CAMPAIGN_STATE',
        `campaign ${id} is ${before.state}${extra.fromWave === undefined ? '' : ` at wave ${before.currentWave + 1}`}`,
      );
    await extra.alsoDo?.(r);
    await r.audit.append({
      actor,
      action: extra.action ?? `campaign.${after.state}`,
      subject: id,
      details: { from: before.state, to: after.state, wave: after.currentWave, ...(change.reason ? { reason: change.reason } : {}) },
    });
    return after;
  });
}

async function mustGet(ctx: CampaignContext, id: string): Promise<CampaignRecord> {
  const c = await ctx.store.campaigns.get(id);
  if (c === undefined) throw new CampaignError('ERR_CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
  return c;
}

async function create(ctx: CampaignContext, request: CampaignRequest, actor: string): Promise<CampaignRecord> {
  const input = campaignInput(randomUUID(), request);
  const release = await ctx.store.releases.get(input.releaseId);
  if (release === undefined) throw new CampaignError('ERR_CAMPAIGN_RELEASE', `no release ${input.releaseId}`);
  if (release.state !== 'published')
    throw new CampaignError('ERR_CAMPAIGN_RELEASE', `release ${input.releaseId} is ${release.state}, not published`);
  return ctx.store.transaction(async (r) => {
    const made = await r.campaigns.create(input).catch((e: unknown) => {
      if (e instanceof StoreError && e.code === ERR_STORE_DUPLICATE)
        throw new CampaignError('ERR_CAMPAIGN_DUPLICATE', `a campaign ${input.id} exists`);
      throw e;
    });
    await r.audit.append({ actor, action: 'campaign.created', subject: made.id, details: { name: made.name, release: made.releaseId } });
    return made;
  });
}

async function start(ctx: CampaignContext, id: string, actor: string): Promise<CampaignRecord> {
  const c = await mustGet(ctx, id);
  if (c.state !== 'draft') throw new CampaignError('ERR_CAMPAIGN_STATE', `campaign ${id} is ${c.state}, not draft`);
  const waves = planWaves(id, await selectTargets(ctx.store, c), c.waves);
  if (waves.length === 0) throw new CampaignError('ERR_CAMPAIGN_NO_TARGETS', `campaign ${id} matches no device`);
  const actions = waves.flatMap((guids, wave) => guids.map((guid) => ({ id: randomUUID(), guid, wave })));
  return moveCampaign(ctx, id, ['draft'], { state: 'running', currentWave: 0 }, actor, {
    alsoDo: (r) => r.campaigns.addActions(id, actions),
  });
}

async function resume(ctx: CampaignContext, id: string, actor: string): Promise<CampaignRecord> {
  const c = await mustGet(ctx, id);
  const counts = (await ctx.store.campaigns.counts(id)).find((w) => w.wave === c.currentWave)?.counts ?? {};
  const acknowledged = (counts.failed ?? 0) + (counts['timed-out'] ?? 0);
  return moveCampaign(ctx, id, ['paused'], { state: 'running', reason: null, acknowledgedFailures: acknowledged }, actor);
}

async function nextWave(ctx: CampaignContext, id: string, actor: string): Promise<CampaignRecord> {
  const c = await mustGet(ctx, id);
  const last = Math.max(...(await ctx.store.campaigns.counts(id)).map((w) => w.wave));
  if (c.currentWave >= last) throw new CampaignError('ERR_CAMPAIGN_STATE', `campaign ${id} is at its last wave`);
  return moveCampaign(ctx, id, ['running'], { state: 'running', currentWave: c.currentWave + 1, acknowledgedFailures: 0 }, actor, {
    fromWave: c.currentWave,
    action: 'campaign.next-wave',
  });
}

/** Cancels every open action of the campaign (inside the campaign's transaction). */
export async function cancelOpenActions(r: Repositories, id: string, reason: string): Promise<void> {
  for (const a of await r.campaigns.actions(id, { states: OPEN_ACTION_STATES }))
    await r.campaigns.updateAction(a.id, OPEN_ACTION_STATES, { state: 'cancelled', reason });
}

export function campaignService(ctx: CampaignContext): CampaignService {
  return {
    create: (request, actor) => create(ctx, request, actor),
    async get(id) {
      return { campaign: await mustGet(ctx, id), waves: await ctx.store.campaigns.counts(id) };
    },
    list: (request) => ctx.store.campaigns.list(request),
    start: (id, actor) => start(ctx, id, actor),
    pause: (id, actor, reason) =>
      moveCampaign(ctx, id, ['running'], { state: 'paused', reason: reason ?? 'paused by the operator' }, actor),
    resume: (id, actor) => resume(ctx, id, actor),
    nextWave: (id, actor) => nextWave(ctx, id, actor),
    cancel: (id, actor, reason) =>
      moveCampaign(ctx, id, ['draft', 'running', 'paused'], { state: 'cancelled', reason: reason ?? 'cancelled by the operator' }, actor, {
        alsoDo: (r) => cancelOpenActions(r, id, 'the campaign was cancelled'),
      }),
  };
}
