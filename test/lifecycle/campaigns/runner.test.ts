import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startCampaignTicks } from '../../../src/lifecycle/campaigns/runner.ts';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { openStore } from '../../../src/store/open-store.ts';

test('the runner ticks by itself: a finished wave is followed by the next, and stop waits for the tick', { timeout: 30_000 }, async () => {
  const store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
  const stop = { fn: async () => {} };
  try {
    for (const n of [1, 2]) await store.devices.upsert({ guid: new Uint8Array(16).fill(n), state: 'active' });
    await store.releases.create({
      id: 'r1',
      model: 'm',
      version: '1',
      sequenceNumber: 1,
      components: [{ id: 'fw', digest: 'ab'.repeat(32), size: 1 }],
      envelope: Uint8Array.of(1),
      state: 'published',
      origin: 'signed',
    });
    const svc = campaignService({ store });
    const c = await svc.create(
      { name: 'x', releaseId: 'r1', targetQuery: 'state==active', waves: [{ count: 1 }, { percent: 100 }], successThreshold: 0 },
      't',
    );
    await svc.start(c.id, 't');
    const lines: string[] = [];
    stop.fn = startCampaignTicks({ store, log: (_l, m, f) => lines.push(`${m} ${JSON.stringify(f)}`) }, 10);
    // A success threshold of 0 % starts the next wave at the first tick; wait for it without timing assertions.
    while ((await store.campaigns.get(c.id))?.currentWave !== 1) await new Promise((r) => setTimeout(r, 10));
    await stop.fn();
    assert.ok(lines.some((l) => l.includes('next-wave')));
  } finally {
    await stop.fn();
    await store.close();
  }
});
