import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CampaignActionType } from '../../../src/store/campaign-repository.ts';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

interface Progress {
  wave: number;
  counts: Record<string, number>;
  summary: { succeeded: number; failed: number; pending: number; cancelled: number };
}

const GUIDS = ['11', '12', '13', '14', '15'].map((b) => b.repeat(16));

describe('a campaign’s progress per wave in the management API', () => {
  let w: ApiWorld;

  async function campaignWith(actionType: CampaignActionType, states: string[]): Promise<string> {
    const id = randomUUID();
    const campaigns = w.platform.store.campaigns;
    await campaigns.create({
      id,
      name: `progress ${actionType}`,
      releaseId: randomUUID(),
      targetGuids: GUIDS,
      waves: [{ count: 2 }, { percent: 100 }],
      actionType,
      confirm: false,
      errorThreshold: 50,
      timeoutSeconds: 600,
      retries: { attempts: 0, backoffSeconds: 60 },
    });
    const ids = GUIDS.map(() => randomUUID());
    await campaigns.addActions(
      id,
      GUIDS.map((guid, i) => ({ id: ids[i] as string, guid, wave: i < 2 ? 0 : 1 })),
    );
    for (const [i, state] of states.entries()) {
      const actionId = ids[i] as string;
      if (state === 'scheduled') continue;
      await campaigns.updateAction(actionId, ['scheduled'], { state: 'offered', offeredAt: new Date() });
      if (state === 'offered') continue;
      if (state === 'downloaded') {
        await campaigns.updateAction(actionId, ['offered'], { state: 'downloading' });
        await campaigns.updateAction(actionId, ['downloading'], { state: 'downloaded' });
      } else await campaigns.updateAction(actionId, ['offered'], { state: state as 'succeeded' | 'failed' | 'timed-out' });
    }
    return id;
  }

  const progressOf = async (id: string): Promise<Progress[]> => {
    const r = await w.platform.app.inject({ method: 'GET', url: `/api/v1/campaigns/${id}`, headers: bearer(w.tokens.owner) });
    assert.equal(r.statusCode, 200, r.body);
    return (r.json() as { progress: Progress[] }).progress;
  };

  before(async () => {
    w = await startApiWorld();
  });
  after(() => w?.close());

  test('each wave carries its counts and its succeeded, failed and pending devices', async () => {
    const id = await campaignWith('forced', ['succeeded', 'failed', 'timed-out', 'offered', 'downloaded']);
    assert.deepEqual(await progressOf(id), [
      { wave: 0, counts: { succeeded: 1, failed: 1 }, summary: { succeeded: 1, failed: 1, pending: 0, cancelled: 0 } },
      { wave: 1, counts: { 'timed-out': 1, offered: 1, downloaded: 1 }, summary: { succeeded: 0, failed: 1, pending: 2, cancelled: 0 } },
    ]);
  });

  test('in a download-only campaign a downloaded device has succeeded', async () => {
    const id = await campaignWith('download-only', ['downloaded', 'scheduled', 'downloaded']);
    const progress = await progressOf(id);
    assert.deepEqual(
      progress.map((p) => p.summary),
      [
        { succeeded: 1, failed: 0, pending: 1, cancelled: 0 },
        { succeeded: 1, failed: 0, pending: 2, cancelled: 0 },
      ],
    );
  });
});
