/**
 * The campaign engine's tick: for every running campaign, time out actions offered longer than the
 * per-device timeout (bulk updates on the index of the offer time; one with attempts left is
 * scheduled again, timeouts.ts), then act on the current wave's counts (waveDecision): start the
 * next wave, pause, or finish once no earlier wave has a result to come (which cancels the actions
 * never offered, in the same transaction). Every change is conditional (on the action's state, the campaign's state and
 * wave), so a tick run twice, or by two replicas at once, changes each thing once: ticks are
 * idempotent and need no lease.
 */
import type { CampaignRecord } from '../../store/campaign-repository.ts';
import type { Repositories } from '../../store/store.ts';
import { inFlightStates } from './action-type.ts';
import { type CampaignContext, ENGINE_ACTOR, nowOf } from './context.ts';
import { CampaignError } from './errors.ts';
import { moveCampaign } from './service.ts';
import { timeOutOverdue } from './timeouts.ts';
import { waveDecision } from './wave-decision.ts';

/** Why the actions still scheduled when a campaign finishes are cancelled. */
export const FINISHED_REASON = 'campaign finished';
/** The latest time a Date holds: "offered before EVER" is "offered at all". */
const EVER = new Date(8.64e15);

export interface TickResult {
  timedOut: number;
  /** What happened to campaigns, `id: change`. */
  changes: string[];
}

async function timeOut(ctx: CampaignContext, c: CampaignRecord, now: Date): Promise<number> {
  const n = await ctx.store.transaction((r) => timeOutOverdue(r, c, now));
  if (n.retried + n.timedOut > 0) ctx.log?.('info', 'campaign actions timed out', { campaign: c.id, ...n });
  return n.retried + n.timedOut;
}

/**
 * Whether an action of an earlier wave still has a result to come: in flight, or scheduled again
 * after an offer (a retry, or a resume with a fixed release). Such actions hold the finish back;
 * actions never offered do not (finishing cancels them).
 */
async function resultsToCome(ctx: CampaignContext, c: CampaignRecord): Promise<boolean> {
  return (await ctx.store.campaigns.offeredBefore(c.id, ['scheduled', ...inFlightStates(c)], EVER)).length > 0;
}

const cancelScheduled = (r: Repositories, c: CampaignRecord) =>
  r.campaigns.updateActions(c.id, { states: ['scheduled'] }, { state: 'cancelled', reason: FINISHED_REASON }).then(() => undefined);

async function decide(ctx: CampaignContext, c: CampaignRecord): Promise<string | undefined> {
  const waves = await ctx.store.campaigns.counts(c.id);
  const last = Math.max(...waves.map((w) => w.wave));
  const counts = waves.find((w) => w.wave === c.currentWave)?.counts ?? {};
  const d = waveDecision(
    counts,
    {
      errorThreshold: c.errorThreshold,
      acknowledgedFailures: c.acknowledgedFailures,
      downloadOnly: c.actionType === 'download-only',
      ...(c.successThreshold === undefined ? {} : { successThreshold: c.successThreshold }),
    },
    c.currentWave >= last,
  );
  const opts = { fromWave: c.currentWave };
  if (d.kind === 'finish' && (await resultsToCome(ctx, c))) return undefined;
  try {
    if (d.kind === 'pause') await moveCampaign(ctx, c.id, ['running'], { state: 'paused', reason: d.reason }, ENGINE_ACTOR, opts);
    else if (d.kind === 'finish')
      await moveCampaign(ctx, c.id, ['running'], { state: 'finished' }, ENGINE_ACTOR, { ...opts, alsoDo: (r) => cancelScheduled(r, c) });
    else if (d.kind === 'next-wave')
      await moveCampaign(
        ctx,
        c.id,
        ['running'],
        { state: 'running', currentWave: c.currentWave + 1, acknowledgedFailures: 0 },
        ENGINE_ACTOR,
        {
          ...opts,
          action: 'campaign.next-wave',
        },
      );
    else return undefined;
  } catch (e) {
    // Another replica (or the operator) changed the campaign first: nothing left to do here.
    if (e instanceof CampaignError && e.code === 'ERR_CAMPAIGN_STATE') return undefined;
    throw e;
  }
  return d.kind;
}

/** One tick over every running campaign. */
export async function tickCampaigns(ctx: CampaignContext, now = nowOf(ctx)): Promise<TickResult> {
  const result: TickResult = { timedOut: 0, changes: [] };
  let after: string | undefined;
  do {
    const page = await ctx.store.campaigns.list({ state: 'running', limit: 100, ...(after === undefined ? {} : { after }) });
    for (const c of page.items) {
      result.timedOut += await timeOut(ctx, c, now);
      const change = await decide(ctx, c);
      if (change !== undefined) result.changes.push(`${c.id}: ${change}`);
    }
    after = page.next;
  } while (after !== undefined);
  return result;
}
