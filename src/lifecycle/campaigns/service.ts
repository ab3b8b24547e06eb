/**
 * The operator's side of campaigns: create (checked, against a published release), start (plans
 * every wave at once: one `scheduled` action per target device with its wave index; the current
 * wave decides what is offered), pause, resume (optionally with a fixed release, which offers the
 * failed actions again), next wave by hand, cancel, progress. Each change of a campaign is
 * conditional on its state and audited in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import {
  type ActionState,
  type CampaignRecord,
  type CampaignState,
  IN_FLIGHT_STATES,
  type WaveCounts,
} from '../../store/campaign-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { Page, PageRequest } from '../../store/page.ts';
import type { Repositories } from '../../store/store.ts';
import { inFlightStates, openStates } from './action-type.ts';
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

export interface ResumeOptions {
  releaseId?: string;
  reason?: string;
}

export interface CampaignService {
  create(request: CampaignRequest, actor: string): Promise<CampaignRecord>;
  get(id: string): Promise<CampaignProgress>;
  list(request?: PageRequest & { state?: CampaignState }): Promise<Page<CampaignRecord>>;
  start(id: string, actor: string): Promise<CampaignRecord>;
  pause(id: string, actor: string, reason?: string): Promise<CampaignRecord>;
  /** With `releaseId`: moves to that release and offers the failed, timed-out and in-flight actions again; `reason` is audited. */
  resume(id: string, actor: string, options?: ResumeOptions): Promise<CampaignRecord>;
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
  extra: {
    fromWave?: number;
    action?: string;
    alsoDo?: (r: Repositories) => Promise<void>;
    details?: Record<string, unknown>;
  } = {},
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
      details: {
        from: before.state,
        to: after.state,
        wave: after.currentWave,
        ...(change.reason ? { reason: change.reason } : {}),
        ...extra.details,
      },
    });
    return after;
  });
}

export async function mustGet(ctx: CampaignContext, id: string): Promise<CampaignRecord> {
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

/** The action states a resume with a fixed release offers again. */
const RETRY_STATES: readonly ActionState[] = ['failed', 'timed-out'];

/** A release the campaign may move to: published, of the same model, with a higher sequence number. */
async function fixedRelease(ctx: CampaignContext, c: CampaignRecord, releaseId: string): Promise<void> {
  const [now, next] = [await ctx.store.releases.get(c.releaseId), await ctx.store.releases.get(releaseId)];
  if (next === undefined) throw new CampaignError('ERR_CAMPAIGN_RELEASE', `no release ${releaseId}`);
  if (next.state !== 'published') throw new CampaignError('ERR_CAMPAIGN_RELEASE', `release ${releaseId} is ${next.state}, not published`);
  if (now !== undefined && next.model !== now.model)
    throw new CampaignError('ERR_CAMPAIGN_RELEASE', `release ${releaseId} is of model ${next.model}, the campaign's of ${now.model}`);
  if (now !== undefined && next.sequenceNumber <= now.sequenceNumber)
    throw new CampaignError(
      'ERR_CAMPAIGN_RELEASE',
      `release ${releaseId} has sequence number ${next.sequenceNumber}, not above ${now.sequenceNumber} of the campaign's`,
    );
}

/** Resumes with a fixed release: the current and past waves' failures are scheduled again, attempts from 0. */
async function resumeWithRelease(
  ctx: CampaignContext,
  c: CampaignRecord,
  releaseId: string,
  actor: string,
  reason?: string,
): Promise<CampaignRecord> {
  await fixedRelease(ctx, c, releaseId);
  const again = { state: 'scheduled', attempts: 0, notBefore: null, reason: `offered again with release ${releaseId}` } as const;
  return moveCampaign(ctx, c.id, ['paused'], { state: 'running', reason: null, releaseId, acknowledgedFailures: 0 }, actor, {
    fromWave: c.currentWave,
    details: { fromRelease: c.releaseId, toRelease: releaseId, ...(reason === undefined ? {} : { reason }) },
    // In flight too: a report about the old release's manifest no longer proves anything for this
    // campaign, so those devices are offered the fixed release as well.
    alsoDo: (r) =>
      r.campaigns
        .updateActions(c.id, { states: [...RETRY_STATES, ...inFlightStates(c)], maxWave: c.currentWave }, again)
        .then(() => undefined),
  });
}

async function resume(ctx: CampaignContext, id: string, actor: string, o: ResumeOptions = {}): Promise<CampaignRecord> {
  const c = await mustGet(ctx, id);
  if (o.releaseId !== undefined && c.state === 'paused') return resumeWithRelease(ctx, c, o.releaseId, actor, o.reason);
  const counts = (await ctx.store.campaigns.counts(id)).find((w) => w.wave === c.currentWave)?.counts ?? {};
  const acknowledged = (counts.failed ?? 0) + (counts['timed-out'] ?? 0);
  return moveCampaign(ctx, id, ['paused'], { state: 'running', reason: null, acknowledgedFailures: acknowledged }, actor, {
    ...(o.reason === undefined ? {} : { details: { reason: o.reason } }),
  });
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

/** Cancels every open action of the campaign (inside the campaign's transaction); a download-only campaign's downloads stay done. */
export async function cancelOpenActions(r: Repositories, c: CampaignRecord, reason: string): Promise<void> {
  await r.campaigns.updateActions(c.id, { states: openStates(c) }, { state: 'cancelled', reason });
}

async function cancel(ctx: CampaignContext, id: string, actor: string, reason?: string): Promise<CampaignRecord> {
  const c = await mustGet(ctx, id);
  return moveCampaign(
    ctx,
    id,
    ['draft', 'running', 'paused'],
    { state: 'cancelled', reason: reason ?? 'cancelled by the operator' },
    actor,
    {
      alsoDo: (r) => cancelOpenActions(r, c, 'the campaign was cancelled'),
    },
  );
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
    resume: (id, actor, options) => resume(ctx, id, actor, options),
    nextWave: (id, actor) => nextWave(ctx, id, actor),
    cancel: (id, actor, reason) => cancel(ctx, id, actor, reason),
  };
}
