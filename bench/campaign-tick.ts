/**
 * The campaign engine's tick on a large campaign: 100,000 actions (SQLite in a temporary
 * directory), 10,000 of them offered. Measured: a tick when nothing is overdue (the common case:
 * the timeout scan is one indexed query on `(campaign_id, state, offered_at)`), next to the scan it
 * replaced (read every action in flight, compare offer times in memory); then the tick that times
 * all 10,000 out and schedules each again for a retry (one transaction of bulk updates, timeouts.ts).
 * BENCH_SECONDS below 1 scales the counts down.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inFlightStates } from '../src/lifecycle/campaigns/action-type.ts';
import { tickCampaigns } from '../src/lifecycle/campaigns/engine.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { meanMs as mean } from './measure.ts';

const ms = (t: number) => Math.round((performance.now() - t) * 10) / 10;

async function campaign(store: Store, actions: number, offered: number, at: Date): Promise<string> {
  const id = randomUUID();
  await store.campaigns.create({
    id,
    name: 'bench',
    releaseId: 'r',
    targetQuery: 'state==active',
    waves: [{ count: offered }, { percent: 100 }],
    actionType: 'forced',
    confirm: false,
    errorThreshold: 100,
    timeoutSeconds: 60,
    retries: { attempts: 1, backoffSeconds: 60 },
  });
  const rows = Array.from({ length: actions }, (_, i) => ({
    id: randomUUID(),
    guid: i.toString(16).padStart(32, '0'),
    wave: i < offered ? 0 : 1,
  }));
  await store.transaction((r) => r.campaigns.addActions(id, rows));
  await store.campaigns.updateActions(id, { states: ['scheduled'], maxWave: 0 }, { state: 'offered', offeredAt: at });
  await store.campaigns.update(id, ['draft'], { state: 'running' });
  return id;
}

export async function campaignTickBench(seconds: number): Promise<unknown> {
  const scale = Math.min(1, seconds);
  const actions = Math.max(1000, Math.round(100_000 * scale));
  const offered = Math.max(100, Math.round(10_000 * scale));
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-tick-'));
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const store = await openStore(join(dir, 'iotopia.db'), { kek: new Uint8Array(randomBytes(32)), clock: () => new Date(now.ms) });
  try {
    const t = performance.now();
    const id = await campaign(store, actions, offered, new Date(now.ms));
    const setupMs = ms(t);
    const c = await store.campaigns.get(id);
    if (c === undefined) throw new Error('the campaign vanished');
    const ctx = { store, clock: () => new Date(now.ms) };
    const quietTickMs = await mean(20, () => tickCampaigns(ctx));
    const indexedScanMs = await mean(20, () => store.campaigns.offeredBefore(id, inFlightStates(c), new Date(now.ms - 60_000)));
    const formerScanMs = await mean(20, async () => {
      const limit = now.ms - 60_000;
      return (await store.campaigns.actions(id, { states: inFlightStates(c) })).filter((a) => (a.offeredAt?.getTime() ?? 0) <= limit);
    });
    now.ms += 61_000;
    const t2 = performance.now();
    const tick = await tickCampaigns(ctx);
    const timeoutTickMs = ms(t2);
    return {
      actions,
      offered,
      setupMs,
      quietTickMs,
      indexedScanMs,
      formerScanMs,
      timedOut: tick.timedOut,
      timeoutTickMs,
      timeoutsPerSec: Math.round((tick.timedOut * 1000) / timeoutTickMs),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
