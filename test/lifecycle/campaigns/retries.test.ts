import assert from 'node:assert/strict';
import { type KeyObject, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { campaignInput } from '../../../src/lifecycle/campaigns/campaign-input.ts';
import { actionFeedback, pollAction } from '../../../src/lifecycle/campaigns/device-actions.ts';
import { tickCampaigns } from '../../../src/lifecycle/campaigns/engine.ts';
import { retryDelaySeconds, retryFailed } from '../../../src/lifecycle/campaigns/retries.ts';
import { type CampaignService, campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { waveDecision } from '../../../src/lifecycle/campaigns/wave-decision.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { testEnvelope, testReport } from '../../helpers/device-report.ts';
import { storeDeviceVoucher } from '../../helpers/device-voucher.ts';

const guidOf = (n: number) => n.toString(16).padStart(32, '0');
const ACTOR = 'token:owner';
const GUIDS = [1, 2, 3, 4].map(guidOf);

test('the retry wait starts at the backoff, doubles per attempt and stops at an hour', () => {
  const r = { attempts: 10, backoffSeconds: 60 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(r, n)),
    [60, 120, 240, 480, 960, 1920, 3600, 3600],
  );
  assert.equal(retryDelaySeconds({ attempts: 1, backoffSeconds: 7 }, 1), 7);
  assert.equal(retryDelaySeconds({ attempts: 1, backoffSeconds: 3600 }, 60), 3600);
});

test('retries default to none with a 60 s backoff; attempts are 0 to 10, the backoff 1 s to an hour', () => {
  const base = { name: 'x', releaseId: 'r', targetGuids: [GUIDS[0] as string], waves: [{ percent: 100 }] };
  assert.deepEqual(campaignInput('c', base).retries, { attempts: 0, backoffSeconds: 60 });
  assert.deepEqual(campaignInput('c', { ...base, retries: { attempts: 10 } }).retries, { attempts: 10, backoffSeconds: 60 });
  for (const retries of [{ attempts: 11 }, { attempts: -1 }, { attempts: 1.5 }, { backoffSeconds: 0 }, { backoffSeconds: 3601 }])
    assert.throws(() => campaignInput('c', { ...base, retries }), { code: 'ERR_CAMPAIGN_INPUT' }, JSON.stringify(retries));
});

test('a download-only wave: downloaded counts as succeeded and as done', () => {
  const counts = { downloaded: 3, failed: 1 };
  assert.deepEqual(waveDecision(counts, { errorThreshold: 50, downloadOnly: true }, true), { kind: 'finish' });
  assert.deepEqual(waveDecision(counts, { errorThreshold: 50, successThreshold: 75, downloadOnly: true }, false), { kind: 'next-wave' });
  assert.deepEqual(waveDecision(counts, { errorThreshold: 50 }, true), { kind: 'wait' }, 'elsewhere downloaded is in flight');
});

describe('campaign retries, download-only, finish, resume with a fixed release', () => {
  let store: Store;
  let svc: CampaignService;
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const ctx = () => ({ store, clock: () => new Date(now.ms) });
  const deviceKeys = new Map<string, KeyObject>();
  const envelopes = new Map<string, Uint8Array>();

  beforeEach(async () => {
    now.ms = Date.parse('2030-01-01T00:00:00Z');
    store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)), clock: () => new Date(now.ms) });
    svc = campaignService(ctx());
    for (const g of GUIDS) {
      const guid = new Uint8Array(Buffer.from(g, 'hex'));
      await store.devices.upsert({ guid, state: 'active' });
      deviceKeys.set(g, await storeDeviceVoucher(store, guid));
    }
    const release = (id: string, model: string, seq: number, state: 'published' | 'draft') => {
      const components = [{ id: 'firmware', digest: 'ab'.repeat(32), size: 4 }];
      envelopes.set(id, testEnvelope(seq, components));
      return store.releases.create({
        id,
        model,
        version: `1.${seq}`,
        sequenceNumber: seq,
        components,
        envelope: envelopes.get(id) as Uint8Array,
        state,
        origin: 'signed',
      });
    };
    await release('r5', 'm', 5, 'published');
    await release('r6', 'm', 6, 'published');
    await release('r7', 'm', 7, 'draft');
    await release('r4', 'm', 4, 'published');
    await release('other', 'n', 9, 'published');
  });
  afterEach(() => store.close());

  const started = async (over: Record<string, unknown> = {}) => {
    const c = await svc.create(
      { name: 'rollout', releaseId: 'r5', targetGuids: GUIDS, waves: [{ percent: 100 }], errorThreshold: 0, ...over },
      ACTOR,
    );
    return svc.start(c.id, ACTOR);
  };
  const fail = async (g: string) => {
    const o = await pollAction(ctx(), g);
    assert.ok(o, `device ${g} is offered an action`);
    return actionFeedback(ctx(), g, o.action.id, { status: 'failed', reason: 'flash error' });
  };
  const reportFor = (g: string, releaseId: string) => testReport(envelopes.get(releaseId) as Uint8Array, deviceKeys.get(g) as KeyObject);
  const succeed = async (g: string) => {
    const o = await pollAction(ctx(), g);
    assert.ok(o, `device ${g} is offered an action`);
    return actionFeedback(ctx(), g, o.action.id, { status: 'succeeded', report: reportFor(g, o.release.id) });
  };

  test('a failure with attempts left is scheduled again, not offered before its wait, and the threshold ignores it', async () => {
    const c = await started({ retries: { attempts: 2, backoffSeconds: 30 } });
    const first = await fail(GUIDS[0] as string);
    assert.equal(first.state, 'scheduled');
    assert.equal(first.attempts, 1);
    assert.equal(first.notBefore?.getTime(), now.ms + 30_000);
    assert.match(first.reason ?? '', /attempt 1 failed: flash error/);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [], 'an error threshold of 0 % does not see a failure with attempts left');
    now.ms += 29_000;
    assert.equal(await pollAction(ctx(), GUIDS[0] as string), undefined, 'not offered before the wait is over');
    now.ms += 1_000;
    const second = await fail(GUIDS[0] as string);
    assert.equal(second.attempts, 2);
    assert.equal(second.notBefore?.getTime(), now.ms + 60_000, 'the wait doubles');
    now.ms += 60_000;
    const third = await fail(GUIDS[0] as string);
    assert.equal(third.state, 'failed', 'no attempts left');
    assert.equal(third.attempts, 3);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: pause`]);
  });

  test('a timed-out action with attempts left is scheduled again by the tick', async () => {
    await started({ retries: { attempts: 1, backoffSeconds: 10 }, timeoutSeconds: 60 });
    assert.ok(await pollAction(ctx(), GUIDS[0] as string));
    now.ms += 60_000;
    const t = await tickCampaigns(ctx());
    assert.equal(t.timedOut, 1);
    assert.deepEqual(t.changes, []);
    const [a] = await store.campaigns.actionsOfDevice(GUIDS[0] as string, ['scheduled']);
    assert.equal(a?.notBefore?.getTime(), now.ms + 10_000);
    assert.match(a?.reason ?? '', /attempt 1 timed-out: no result 60 s/);
    now.ms += 10_000;
    assert.equal((await pollAction(ctx(), GUIDS[0] as string))?.action.attempts, 2);
    assert.ok(await pollAction(ctx(), GUIDS[1] as string), 'a second device, on its first offer');
    now.ms += 60_000;
    const both = await tickCampaigns(ctx());
    assert.equal(both.timedOut, 2);
    assert.equal((await tickCampaigns(ctx())).timedOut, 0, 'a second tick at the same time changes nothing');
    assert.deepEqual(
      [
        (await store.campaigns.actionsOfDevice(GUIDS[0] as string, ['timed-out']))[0]?.attempts,
        (await store.campaigns.actionsOfDevice(GUIDS[1] as string, ['scheduled']))[0]?.attempts,
      ],
      [2, 1],
      'the first device had no attempt left; the second is scheduled again',
    );
  });

  test('rescheduling is conditional: run twice, or with a stale read, it changes the action once', async () => {
    const c = await started({ retries: { attempts: 1, backoffSeconds: 10 } });
    const o = await pollAction(ctx(), GUIDS[0] as string);
    assert.ok(o);
    const failed = await store.campaigns.updateAction(o.action.id, ['offered'], { state: 'failed', reason: 'x' });
    assert.ok(failed);
    const once = await retryFailed(store.campaigns, c, failed, new Date(now.ms));
    assert.equal(once?.state, 'scheduled');
    assert.equal(await retryFailed(store.campaigns, c, failed, new Date(now.ms + 5_000)), undefined, 'a second run changes nothing');
    assert.equal((await store.campaigns.getAction(o.action.id))?.notBefore?.getTime(), now.ms + 10_000);
    now.ms += 10_000;
    const last = await fail(GUIDS[0] as string);
    assert.equal(last.state, 'failed');
    assert.equal(
      await retryFailed(store.campaigns, c, failed, new Date(now.ms)),
      undefined,
      'a stale read of the first failure is refused',
    );
    assert.equal((await store.campaigns.getAction(o.action.id))?.state, 'failed');
  });

  test('download-only: downloaded ends the action as a success, later feedback is refused, the campaign finishes', async () => {
    const c = await started({ actionType: 'download-only', timeoutSeconds: 60 });
    const o = await pollAction(ctx(), GUIDS[0] as string);
    assert.ok(o);
    await assert.rejects(actionFeedback(ctx(), GUIDS[0] as string, o.action.id, { status: 'succeeded' }), {
      code: 'ERR_CAMPAIGN_FEEDBACK',
    });
    await assert.rejects(actionFeedback(ctx(), GUIDS[0] as string, o.action.id, { status: 'installing' }), {
      code: 'ERR_CAMPAIGN_FEEDBACK',
    });
    for (const g of GUIDS) {
      const a = await pollAction(ctx(), g);
      assert.ok(a);
      assert.equal((await actionFeedback(ctx(), g, a.action.id, { status: 'downloaded' })).state, 'downloaded');
    }
    await assert.rejects(actionFeedback(ctx(), GUIDS[0] as string, o.action.id, { status: 'failed' }), { code: 'ERR_CAMPAIGN_FEEDBACK' });
    assert.equal(await pollAction(ctx(), GUIDS[0] as string), undefined, 'a downloaded action is not offered again');
    now.ms += 120_000;
    const t = await tickCampaigns(ctx());
    assert.equal(t.timedOut, 0, 'downloaded does not time out');
    assert.deepEqual(t.changes, [`${c.id}: finish`]);
    assert.deepEqual((await svc.get(c.id)).waves, [{ wave: 0, counts: { downloaded: 4 } }]);
  });

  test('finishing cancels the actions still scheduled, in the same change', async () => {
    const c = await svc.create(
      {
        name: 'two',
        releaseId: 'r5',
        targetGuids: GUIDS,
        waves: [{ count: 2 }, { percent: 100 }],
        errorThreshold: 100,
        successThreshold: 0,
      },
      ACTOR,
    );
    await svc.start(c.id, ACTOR);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: next-wave`], 'a 0 % success threshold moves on at once');
    const wave1 = (await store.campaigns.actions(c.id, { wave: 1 })).map((a) => a.guid);
    for (const g of wave1) await succeed(g);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: finish`]);
    const { waves } = await svc.get(c.id);
    assert.deepEqual(waves, [
      { wave: 0, counts: { cancelled: 2 } },
      { wave: 1, counts: { succeeded: 2 } },
    ]);
    for (const a of await store.campaigns.actions(c.id, { wave: 0 })) assert.equal(a.reason, 'campaign finished');
  });

  test('an earlier wave’s retry holds the finish back until it is over', async () => {
    const c = await svc.create(
      {
        name: 'two',
        releaseId: 'r5',
        targetGuids: GUIDS,
        waves: [{ count: 2 }, { percent: 100 }],
        errorThreshold: 100,
        successThreshold: 50,
        retries: { attempts: 1, backoffSeconds: 60 },
      },
      ACTOR,
    );
    await svc.start(c.id, ACTOR);
    const [w0a, w0b] = (await store.campaigns.actions(c.id, { wave: 0 })).map((a) => a.guid) as [string, string];
    await succeed(w0a);
    assert.equal((await fail(w0b)).state, 'scheduled');
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: next-wave`]);
    for (const a of await store.campaigns.actions(c.id, { wave: 1 })) await succeed(a.guid);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [], 'the retry in wave 1 is still to come');
    now.ms += 60_000;
    await succeed(w0b);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: finish`]);
    assert.deepEqual((await svc.get(c.id)).waves, [
      { wave: 0, counts: { succeeded: 2 } },
      { wave: 1, counts: { succeeded: 2 } },
    ]);
  });

  test('resume with a fixed release: past failures are offered again with it, and the campaign completes', async () => {
    const c = await started({ errorThreshold: 20 });
    await fail(GUIDS[0] as string);
    await fail(GUIDS[1] as string);
    await succeed(GUIDS[2] as string);
    const inFlight = await pollAction(ctx(), GUIDS[3] as string);
    assert.equal(inFlight?.release.id, 'r5', 'the fourth device is installing the broken release at the pause');
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: pause`]);
    await assert.rejects(svc.resume(c.id, ACTOR, { releaseId: 'r7' }), { code: 'ERR_CAMPAIGN_RELEASE' }, 'a draft');
    await assert.rejects(svc.resume(c.id, ACTOR, { releaseId: 'r4' }), { code: 'ERR_CAMPAIGN_RELEASE' }, 'a lower sequence number');
    await assert.rejects(svc.resume(c.id, ACTOR, { releaseId: 'r5' }), { code: 'ERR_CAMPAIGN_RELEASE' }, 'the same release');
    await assert.rejects(svc.resume(c.id, ACTOR, { releaseId: 'other' }), { code: 'ERR_CAMPAIGN_RELEASE' }, 'another model');
    const resumed = await svc.resume(c.id, ACTOR, { releaseId: 'r6', reason: 'fixed flash driver' });
    assert.equal(resumed.state, 'running');
    assert.equal(resumed.releaseId, 'r6');
    const again = await store.campaigns.actionsOfDevice(GUIDS[0] as string, ['scheduled']);
    assert.equal(again[0]?.attempts, 0);
    await assert.rejects(
      actionFeedback(ctx(), GUIDS[3] as string, inFlight.action.id, { status: 'succeeded', report: reportFor(GUIDS[3] as string, 'r5') }),
      { code: 'ERR_CAMPAIGN_FEEDBACK' },
      'the broken release in flight at the resume proves nothing for the campaign now',
    );
    for (const g of [GUIDS[0], GUIDS[1], GUIDS[3]] as string[]) {
      const o = await pollAction(ctx(), g);
      assert.equal(o?.release.id, 'r6');
      assert.ok(o);
      await actionFeedback(ctx(), g, o.action.id, { status: 'succeeded', report: reportFor(g, o.release.id) });
    }
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: finish`]);
    assert.deepEqual((await svc.get(c.id)).waves, [{ wave: 0, counts: { succeeded: 4 } }]);
    assert.equal((await store.campaigns.installed(GUIDS[0] as string))?.sequenceNumber, 6);
    const audit = (await store.audit.list({ subject: c.id })).items.find(
      (a) => a.action === 'campaign.running' && a.details?.['toRelease'],
    );
    assert.deepEqual(
      [audit?.details?.['fromRelease'], audit?.details?.['toRelease'], audit?.details?.['reason']],
      ['r5', 'r6', 'fixed flash driver'],
    );
    await assert.rejects(svc.resume(c.id, ACTOR, { releaseId: 'r6' }), { code: 'ERR_CAMPAIGN_STATE' });
  });
});
