/**
 * Runs the campaign engine's tick now and then. Ticks never overlap in one process; across
 * replicas they need no lease because every change a tick makes is conditional (engine.ts).
 */
import type { CampaignContext } from './context.ts';
import { tickCampaigns } from './engine.ts';

/** How often running campaigns are looked at, milliseconds. */
export const CAMPAIGN_TICK_MS = 5_000;

/** Starts ticking; resolves a stop function that waits for a tick in progress. */
export function startCampaignTicks(ctx: CampaignContext, everyMs = CAMPAIGN_TICK_MS): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running !== undefined) return;
    running = tickCampaigns(ctx)
      .then((r) => {
        if (r.timedOut > 0 || r.changes.length > 0) ctx.log?.('info', 'campaign tick', { timedOut: r.timedOut, changes: r.changes });
      })
      .catch((e: unknown) => ctx.log?.('warn', 'campaign tick failed', { err: e }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
