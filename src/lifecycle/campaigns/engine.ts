/**
 * The campaign engine's tick: for every running campaign, time out actions offered longer than the
 * per-device timeout, then act on the current wave's counts (waveDecision): start the next wave,
 * pause, or finish. Every change is conditional (on the action's state, the campaign's state and
 * wave), so a tick run twice, or by two replicas at once, changes each thing once: ticks are
 * idempotent and need no lease.
 */
import { type CampaignRecord, IN_FLIGHT_STATES } from '../../store/campaign-repository.ts';
import { type CampaignContext, ENGINE_ACTOR, nowOf } from './context.ts';
import { CampaignError } from './errors.ts';
import { moveCampaign } from './service.ts';
import { waveDecision } from './wave-decision.ts';

const IN_FLIGHT = IN_FLIGHT_STATES;

export interface TickResult {
  timedOut: number;
  /** What happened to campaigns, `id: change`. */
  changes: string[];
}

async function timeOut(ctx: CampaignContext, c: CampaignRecord, now: Date): Promise<number> {
  const limit = now.getTime() - c.timeoutSeconds * 1000;
  let n = 0;
  for (const a of await ctx.store.campaigns.actions(c.id, { states: IN_FLIGHT })) {
    if (a.offeredAt === undefined || a.offeredAt.getTime() > limit) continue;
    const reason = `no result ${c.timeoutSeconds} s after the offer`;
    if ((await ctx.store.campaigns.updateAction(a.id, IN_FLIGHT, { state: 'timed-out', reason })) === undefined) continue;
    n++;
    ctx.log?.('info', 'campaign action timed out', { campaign: c.id, action: a.id, device: a.guid, from: a.state });
  }
  return n;
}

async function decide(ctx: CampaignContext, c: CampaignRecord): Promise<string | undefined> {
  const waves = await ctx.store.campaigns.counts(c.id);
  const last = Math.max(...waves.map((w) => w.wave));
  const counts = waves.find((w) => w.wave === c.currentWave)?.counts ?? {};
  const d = waveDecision(
    counts,
    {
      errorThreshold: c.errorThreshold,
      acknowledgedFailures: c.acknowledgedFailures,
      ...(c.successThreshold === undefined ? {} : { successThreshold: c.successThreshold }),
    },
    c.currentWave >= last,
  );
  const opts = { fromWave: c.currentWave };
  try {
    if (d.kind === 'pause') await moveCampaign(ctx, c.id, ['running'], { state: 'paused', reason: d.reason }, ENGINE_ACTOR, opts);
    else if (d.kind === 'finish') await moveCampaign(ctx, c.id, ['running'], { state: 'finished' }, ENGINE_ACTOR, opts);
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
