import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { actionFeedback, pollAction } from '../../../src/lifecycle/campaigns/device-actions.ts';
import { rollbackCampaign } from '../../../src/lifecycle/campaigns/rollback.ts';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { componentIdOf } from '../../../src/lifecycle/releases/envelope.ts';
import { manifestImageDigests } from '../../../src/lifecycle/releases/manifest-digests.ts';
import { uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createRelease, importRelease } from '../../../src/lifecycle/releases/releases.ts';
import type { ReleaseInfo } from '../../../src/store/release-repository.ts';
import { signEnvelope, verifyEnvelope } from '../../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../../src/suit/constants.ts';
import { buildEnvelope } from '../../../src/suit/create/build.ts';
import { testReport } from '../../helpers/device-report.ts';
import { storeDeviceVoucher } from '../../helpers/device-voucher.ts';
import { image, pieces, releaseFixture, uriOf } from '../releases/fixture.ts';

const ACTOR = 'token:owner';
const GUIDS = [1, 2, 3].map((n) => n.toString(16).padStart(32, '0'));

describe('rollback campaigns', () => {
  let f: Awaited<ReturnType<typeof releaseFixture>>;
  let v1: ReleaseInfo;
  let v2: ReleaseInfo;
  const ctx = () => ({ store: f.store });
  const deviceKeys = new Map<string, KeyObject>();
  /** Success feedback with the report the device signs about the offered envelope. */
  const success = (g: string, envelope: Uint8Array) => ({
    status: 'succeeded' as const,
    report: testReport(envelope, deviceKeys.get(g) as KeyObject),
  });

  const release = async (version: string, sequenceNumber: number) => {
    const { payload } = await uploadPayload(f.service.payloads, pieces(image(2000)));
    return createRelease(
      f.service.releases,
      { model: 'cam', version, sequenceNumber, components: [{ id: 'firmware', digest: payload.digest, size: payload.size }] },
      ACTOR,
    );
  };

  beforeEach(async () => {
    f = await releaseFixture();
    for (const g of GUIDS) {
      const guid = new Uint8Array(Buffer.from(g, 'hex'));
      await f.store.devices.upsert({ guid, state: 'active' });
      deviceKeys.set(g, await storeDeviceVoucher(f.store, guid));
    }
    v1 = await release('1.0.0', 10);
    v2 = await release('2.0.0', 20);
  });
  afterEach(() => f.close());

  /** A campaign of v2: the first two devices succeed, the third fails. */
  async function rolledOut() {
    const svc = campaignService(ctx());
    const c = await svc.create(
      { name: 'two', releaseId: v2.id, targetGuids: GUIDS, waves: [{ percent: 100 }], errorThreshold: 100 },
      ACTOR,
    );
    await svc.start(c.id, ACTOR);
    for (const [i, g] of GUIDS.entries()) {
      const o = await pollAction(ctx(), g);
      assert.ok(o);
      await actionFeedback(ctx(), g, o.action.id, i < 2 ? success(g, o.release.envelope) : { status: 'failed' });
    }
    return c;
  }

  test('builds a signed release of the previous payloads above every sequence number and targets the updated devices', async () => {
    const c = await rolledOut();
    await release('3.0.0-beta', 30);
    const { campaign, release: back } = await rollbackCampaign(ctx(), f.service.releases, c.id, {}, ACTOR);
    assert.equal(back.sequenceNumber, 31);
    assert.equal(back.version, '1.0.0+rollback.31');
    assert.deepEqual(back.components, v1.components);
    assert.equal(back.origin, 'signed');
    const stored = await f.store.releases.get(back.id);
    assert.ok(stored);
    const { envelope } = verifyEnvelope(stored.envelope, { keys: [f.authority.coseKey] });
    assert.equal(Number(envelope.manifest.sequenceNumber), 31);
    assert.deepEqual([...manifestImageDigests(envelope.manifest)], [v1.components[0]?.digest]);
    assert.equal(campaign.state, 'draft');
    assert.equal(campaign.name, 'rollback of two');
    assert.equal(campaign.releaseId, back.id);
    assert.deepEqual(campaign.targetGuids, GUIDS.slice(0, 2));
    assert.deepEqual(campaign.waves, [{ percent: 100 }]);
    const audit = (await f.store.audit.list({ subject: c.id })).items.find((a) => a.action === 'campaign.rollback');
    assert.equal(audit?.details?.['campaign'], campaign.id);
    assert.equal(audit?.details?.['previousRelease'], v1.id);
  });

  test('started at once, the updated devices take the rollback release (anti-rollback lets them)', async () => {
    const c = await rolledOut();
    const { campaign } = await rollbackCampaign(
      ctx(),
      f.service.releases,
      c.id,
      { start: true, waves: [{ count: 1 }, { percent: 100 }] },
      ACTOR,
    );
    assert.equal(campaign.state, 'running');
    const offered = [];
    for (const g of GUIDS) {
      const o = await pollAction(ctx(), g);
      if (o !== undefined) offered.push(o);
    }
    assert.equal(offered.length, 1, 'one device in the first wave; the third device was not updated');
    assert.equal(offered[0]?.release.id, campaign.releaseId);
    assert.equal(offered[0]?.release.sequenceNumber, 21);
  });

  test('a previous release uploaded signed is rebuilt from its recorded components and signed here', async () => {
    const { payload } = await uploadPayload(f.service.payloads, pieces(image(1500)));
    const component = { id: 'boot', digest: payload.digest, size: payload.size };
    const unsigned = buildEnvelope({
      manifestVersion: 1,
      sequenceNumber: 25,
      severable: false,
      components: [
        {
          installId: componentIdOf('boot'),
          installOnDownload: true,
          installDigest: { algorithm: DigestAlgorithm.SHA256, bytes: new Uint8Array(Buffer.from(payload.digest, 'hex')) },
          installSize: payload.size,
          uri: uriOf(payload.digest),
          bootable: false,
          loadable: false,
          text: new Map(),
        },
      ],
      text: new Map(),
    });
    const envelope = signEnvelope(unsigned, { key: f.authority.privateKey as KeyObject });
    const uploaded = await importRelease(f.service.releases, { model: 'cam', version: '2.5.0', components: [component], envelope }, ACTOR);
    assert.equal(uploaded.origin, 'imported');
    v2 = await release('2.6.0', 26);
    const c = await rolledOut();
    const { release: back } = await rollbackCampaign(ctx(), f.service.releases, c.id, {}, ACTOR);
    assert.deepEqual([back.version, back.sequenceNumber, back.origin], ['2.5.0+rollback.27', 27, 'signed']);
    assert.deepEqual(back.components, [component]);
    const stored = await f.store.releases.get(back.id);
    assert.ok(stored);
    const { envelope: e } = verifyEnvelope(stored.envelope, { keys: [f.authority.coseKey] });
    assert.deepEqual([...manifestImageDigests(e.manifest)], [payload.digest]);
    assert.notDeepEqual(stored.envelope, envelope);
  });

  test('refused without a previous published release, and for a campaign that updated nobody', async () => {
    const svc = campaignService(ctx());
    const first = await svc.create({ name: 'one', releaseId: v1.id, targetGuids: GUIDS, waves: [{ percent: 100 }] }, ACTOR);
    await assert.rejects(rollbackCampaign(ctx(), f.service.releases, first.id, {}, ACTOR), { code: 'ERR_CAMPAIGN_RELEASE' });
    const none = await svc.create({ name: 'none', releaseId: v2.id, targetGuids: GUIDS, waves: [{ percent: 100 }] }, ACTOR);
    await assert.rejects(rollbackCampaign(ctx(), f.service.releases, none.id, {}, ACTOR), { code: 'ERR_CAMPAIGN_NO_TARGETS' });
    await assert.rejects(rollbackCampaign(ctx(), f.service.releases, 'nope', {}, ACTOR), { code: 'ERR_CAMPAIGN_NOT_FOUND' });
    assert.equal(await f.store.releases.latestSequence('cam'), 20, 'no release was made');
  });
});
