import assert from 'node:assert/strict';
import { type KeyObject, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { actionFeedback, pollAction } from '../../../src/lifecycle/campaigns/device-actions.ts';
import { tickCampaigns } from '../../../src/lifecycle/campaigns/engine.ts';
import { type CampaignService, campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { testEnvelope, testReport } from '../../helpers/device-report.ts';
import { storeDeviceVoucher } from '../../helpers/device-voucher.ts';

const guidOf = (n: number) => n.toString(16).padStart(32, '0');
const ACTOR = 'token:owner';

describe('campaign engine', () => {
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
    for (let i = 1; i <= 10; i++) {
      const guid = new Uint8Array(Buffer.from(guidOf(i), 'hex'));
      await store.devices.upsert({ guid, state: 'active' });
      deviceKeys.set(guidOf(i), await storeDeviceVoucher(store, guid));
      if (i <= 9) await store.devices.setLabels(guid, 'tag', ['fleet']);
      // Device 9 is in the fleet but suspended: never targeted.
      if (i === 9) await store.devices.upsert({ guid, state: 'suspended' });
    }
    const release = (id: string, seq: number, state: 'published' | 'draft') => {
      const components = [{ id: 'firmware', digest: 'ab'.repeat(32), size: 4 }];
      envelopes.set(id, testEnvelope(seq, components));
      return store.releases.create({
        id,
        model: 'm',
        version: `1.${seq}`,
        sequenceNumber: seq,
        components,
        envelope: envelopes.get(id) as Uint8Array,
        state,
        origin: 'signed',
      });
    };
    await release('r5', 5, 'published');
    await release('r6', 6, 'draft');
  });
  afterEach(() => store.close());

  const create = (over: Record<string, unknown> = {}) =>
    svc.create(
      {
        name: 'rollout',
        releaseId: 'r5',
        targetQuery: 'tag==fleet',
        waves: [{ count: 2 }, { percent: 100 }],
        errorThreshold: 40,
        successThreshold: 100,
        ...over,
      },
      ACTOR,
    );

  /** Polls every device; answers each offered action with `status(guid)`. */
  async function round(status: (guid: string) => 'succeeded' | 'failed' | undefined) {
    const offered: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const g = guidOf(i);
      const o = await pollAction(ctx(), g);
      if (o === undefined) continue;
      offered.push(g);
      const s = status(g);
      const report = testReport(envelopes.get(o.release.id) as Uint8Array, deviceKeys.get(g) as KeyObject);
      if (s !== undefined)
        await actionFeedback(ctx(), g, o.action.id, { status: s, ...(s === 'failed' ? { reason: 'digest mismatch' } : { report }) });
    }
    return offered;
  }

  test('refuses a release that is not published, and a bad target', async () => {
    await assert.rejects(create({ releaseId: 'r6' }), { code: 'ERR_CAMPAIGN_RELEASE' });
    await assert.rejects(create({ releaseId: 'nope' }), { code: 'ERR_CAMPAIGN_RELEASE' });
    await assert.rejects(create({ targetQuery: 'colour==red' }), { code: 'ERR_CAMPAIGN_TARGET' });
    await assert.rejects(create({ waves: [] }), { code: 'ERR_CAMPAIGN_WAVES' });
    await assert.rejects(create({ errorThreshold: 101 }), { code: 'ERR_CAMPAIGN_INPUT' });
  });

  test('plans every wave at start; the next wave starts when the first succeeded; then it finishes', async () => {
    const c = await create();
    assert.equal(c.state, 'draft');
    assert.deepEqual(await round(() => 'succeeded'), [], 'a draft campaign offers nothing');
    await svc.start(c.id, ACTOR);
    const { waves } = await svc.get(c.id);
    assert.deepEqual(waves, [
      { wave: 0, counts: { scheduled: 2 } },
      { wave: 1, counts: { scheduled: 6 } },
    ]);
    const first = await round(() => 'succeeded');
    assert.equal(first.length, 2);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: next-wave`]);
    const second = await round(() => 'succeeded');
    assert.equal(second.length, 6);
    assert.ok(second.every((g) => !first.includes(g)));
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: finish`]);
    assert.equal((await svc.get(c.id)).campaign.state, 'finished');
    assert.equal((await store.campaigns.installed(first[0] as string))?.sequenceNumber, 5);
    const audit = (await store.audit.list({ subject: c.id })).items.map((a) => a.action);
    assert.deepEqual(audit, ['campaign.created', 'campaign.running', 'campaign.next-wave', 'campaign.finished']);
  });

  test('a wave below its success threshold waits; a manual campaign waits for the operator', async () => {
    const c = await create({ successThreshold: undefined, errorThreshold: 100 });
    await svc.start(c.id, ACTOR);
    await round(() => 'succeeded');
    assert.deepEqual((await tickCampaigns(ctx())).changes, []);
    assert.equal((await svc.get(c.id)).campaign.currentWave, 0);
    await svc.nextWave(c.id, ACTOR);
    assert.equal((await round(() => undefined)).length, 6);
    await assert.rejects(svc.nextWave(c.id, ACTOR), { code: 'ERR_CAMPAIGN_STATE' });
  });

  test('pauses itself when the error threshold is passed, offers nothing while paused, resumes past the acknowledged failures', async () => {
    const c = await create();
    await svc.start(c.id, ACTOR);
    let failedOne = false;
    await round(() => {
      if (failedOne) return 'succeeded';
      failedOne = true;
      return 'failed';
    });
    assert.deepEqual((await tickCampaigns(ctx())).changes, [`${c.id}: pause`]);
    const paused = (await svc.get(c.id)).campaign;
    assert.equal(paused.state, 'paused');
    assert.match(paused.reason ?? '', /1 of 2 devices/);
    assert.deepEqual(await round(() => 'succeeded'), []);
    await svc.resume(c.id, ACTOR);
    assert.deepEqual((await tickCampaigns(ctx())).changes, [], 'the acknowledged failure does not pause it again; 50 % < 100 % success');
    await svc.nextWave(c.id, ACTOR);
    assert.equal((await round(() => 'succeeded')).length, 6);
  });

  test('an action offered longer than the timeout times out, and counts as a failure', async () => {
    const c = await create({ timeoutSeconds: 60, errorThreshold: 60 });
    await svc.start(c.id, ACTOR);
    const offered = await round(() => undefined);
    now.ms += 59_000;
    assert.equal((await tickCampaigns(ctx())).timedOut, 0);
    now.ms += 1_000;
    const t = await tickCampaigns(ctx());
    assert.equal(t.timedOut, 2);
    assert.deepEqual(t.changes, [`${c.id}: pause`]);
    const a = await pollAction(ctx(), offered[0] as string);
    assert.equal(a, undefined);
    const [action] = await store.campaigns.actionsOfDevice(offered[0] as string, ['timed-out']);
    await assert.rejects(actionFeedback(ctx(), offered[0] as string, action?.id ?? '', { status: 'succeeded' }), {
      code: 'ERR_CAMPAIGN_FEEDBACK',
    });
  });

  test('anti-rollback: a device at or above the release sequence number is never offered it', async () => {
    const c = await create({ targetGuids: [guidOf(1), guidOf(2)], targetQuery: undefined, waves: [{ percent: 100 }] });
    await store.campaigns.setInstalled({ guid: guidOf(1), sequenceNumber: 5 });
    await store.campaigns.setInstalled({ guid: guidOf(2), sequenceNumber: 4 });
    await svc.start(c.id, ACTOR);
    assert.equal(await pollAction(ctx(), guidOf(1)), undefined);
    const [a1] = await store.campaigns.actionsOfDevice(guidOf(1), ['cancelled']);
    assert.match(a1?.reason ?? '', /anti-rollback/);
    assert.equal((await pollAction(ctx(), guidOf(2)))?.release.id, 'r5');
  });

  test('cancel stops every open action; a device cannot see or answer another device’s action', async () => {
    const c = await create();
    await svc.start(c.id, ACTOR);
    const [g1, g2] = await round(() => undefined);
    const own = await pollAction(ctx(), g1 as string);
    assert.ok(own);
    assert.equal((await pollAction(ctx(), g1 as string))?.action.id, own.action.id, 'a repeated poll offers the same action');
    await assert.rejects(actionFeedback(ctx(), g2 as string, own.action.id, { status: 'succeeded' }), {
      code: 'ERR_CAMPAIGN_ACTION_NOT_FOUND',
    });
    await svc.cancel(c.id, ACTOR);
    assert.equal((await svc.get(c.id)).campaign.state, 'cancelled');
    assert.deepEqual(
      (await svc.get(c.id)).waves.map((w) => w.counts),
      [{ cancelled: 2 }, { cancelled: 6 }],
    );
    assert.equal(await pollAction(ctx(), g1 as string), undefined);
    await assert.rejects(svc.resume(c.id, ACTOR), { code: 'ERR_CAMPAIGN_STATE' });
    await assert.rejects(svc.start(c.id, ACTOR), { code: 'ERR_CAMPAIGN_STATE' });
  });

  test('a maintenance window that is closed offers nothing', async () => {
    const c = await create({ window: { cron: '0 3 * * *', minutes: 60, timeZone: 'UTC' } });
    await svc.start(c.id, ACTOR);
    assert.deepEqual(await round(() => undefined), []);
    now.ms = Date.parse('2030-01-01T03:30:00Z');
    assert.equal((await round(() => undefined)).length, 2);
  });
});
