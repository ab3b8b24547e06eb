/**
 * The rules for the SUIT report sent with feedback: verified against the device key of the owner's
 * voucher, naming the offered manifest, and (for `succeeded`) saying so; a refused report changes
 * nothing but the action's report error, and is audited.
 */
import assert from 'node:assert/strict';
import { type KeyObject, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { actionFeedback, pollAction } from '../../../src/lifecycle/campaigns/device-actions.ts';
import { installedComponents } from '../../../src/lifecycle/campaigns/installed-components.ts';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { deviceProfile } from '../../../src/lifecycle/device-profile.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { decodeEnvelope } from '../../../src/suit/envelope.ts';
import { ReportReason, testEnvelope, testReport } from '../../helpers/device-report.ts';
import { storeDeviceVoucher } from '../../helpers/device-voucher.ts';

const G = '0a'.repeat(16);
const GUID = new Uint8Array(Buffer.from(G, 'hex'));
const DIGEST = 'cd'.repeat(32);
const components = [{ id: 'firmware', digest: DIGEST, size: 4 }];

describe('SUIT report rules on feedback', () => {
  let store: Store;
  let key: KeyObject;
  let envelope: Uint8Array;
  let actionId: string;
  const ctx = () => ({ store });
  const feedback = (f: Parameters<typeof actionFeedback>[3]) => actionFeedback(ctx(), G, actionId, f);
  const refusal = async (f: Parameters<typeof actionFeedback>[3], message: RegExp) => {
    await assert.rejects(feedback(f), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_CAMPAIGN_REPORT');
      assert.match(e.message, message);
      return true;
    });
    const a = await store.campaigns.getAction(actionId);
    assert.equal(a?.state, 'offered', 'the action keeps its state');
    assert.match(a?.reportError ?? '', message, 'the refusal is kept on the action');
    assert.equal(await store.campaigns.installed(G), undefined, 'nothing is installed');
  };

  async function setUp(keyType: 'secp256r1' | 'secp384r1' | 'rsa2048' = 'secp256r1') {
    store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
    await store.devices.upsert({ guid: GUID, state: 'active' });
    key = await storeDeviceVoucher(store, GUID, keyType);
    envelope = testEnvelope(7, components);
    await store.releases.create({
      id: 'r7',
      model: 'm',
      version: '1.7',
      sequenceNumber: 7,
      components,
      envelope,
      state: 'published',
      origin: 'signed',
    });
    const svc = campaignService(ctx());
    const c = await svc.create({ name: 'c', releaseId: 'r7', targetGuids: [G], waves: [{ percent: 100 }] }, 'test');
    await svc.start(c.id, 'test');
    actionId = (await pollAction(ctx(), G))?.action.id ?? assert.fail('no action offered');
  }
  beforeEach(() => setUp());
  afterEach(() => store.close());

  test('a verified success report records the manifest sequence number and components, not what the device claims', async () => {
    const a = await feedback({ status: 'succeeded', report: testReport(envelope, key), sequenceNumber: 99 });
    assert.equal(a.state, 'succeeded');
    assert.equal(a.reportVerified, true);
    const installed = await store.campaigns.installed(G);
    assert.equal(installed?.sequenceNumber, 7);
    assert.deepEqual(installed?.components, [
      { componentId: [Buffer.from('firmware').toString('hex')], name: 'firmware', digest: { algorithm: 'SHA256', hex: DIGEST } },
    ]);
    const profile = await deviceProfile(store, GUID);
    assert.equal(profile.firmware?.version, '1.7');
    assert.equal(profile.firmware?.reportAction, actionId);
  });

  test('succeeded without a report is refused', async () => {
    await refusal({ status: 'succeeded' }, /needs the signed SUIT report/);
  });

  test('a report with one byte changed does not verify', async () => {
    const report = testReport(envelope, key);
    // The last byte is in the signature; one in the middle is in the signed payload.
    for (const at of [report.length - 1, Math.floor(report.length / 2)]) {
      const tampered = report.slice();
      tampered[at] = (tampered[at] as number) ^ 0x01;
      await refusal({ status: 'succeeded', report: tampered }, /(does not verify|not a)/);
    }
  });

  test('a report signed by another key does not verify', async () => {
    const other = (await generateKeyPair('secp256r1')).privateKey;
    await refusal({ status: 'succeeded', report: testReport(envelope, other) }, /does not verify with the device key/);
  });

  test('a report about another manifest is refused', async () => {
    const another = testEnvelope(8, components);
    await refusal({ status: 'succeeded', report: testReport(another, key) }, /about manifest .* not the offered release/);
  });

  test('succeeded with a report that says the update failed is refused', async () => {
    await refusal({ status: 'succeeded', report: testReport(envelope, key, ReportReason.conditionFailed) }, /says the update failed/);
  });

  test("a failure report must verify; the reason shown is the report's reason name, then the device's text", async () => {
    const other = (await generateKeyPair('secp256r1')).privateKey;
    await refusal({ status: 'failed', reason: 'x', report: testReport(envelope, other, ReportReason.conditionFailed) }, /does not verify/);
    const a = await feedback({
      status: 'failed',
      reason: 'image digest mismatch',
      report: testReport(envelope, key, ReportReason.conditionFailed),
    });
    assert.equal(a.state, 'failed');
    assert.equal(a.reason, 'condition-failed: image digest mismatch');
    assert.equal(a.reportVerified, true);
    assert.equal(a.reportError, undefined);
    assert.equal(await store.campaigns.installed(G), undefined);
  });

  test('a failure without a report keeps the device text', async () => {
    const a = await feedback({ status: 'failed', reason: 'no space' });
    assert.equal(a.reason, 'no space');
    assert.equal(a.reportVerified, false);
  });

  test('a device whose voucher this owner does not hold has no key, so it cannot prove an update', async () => {
    const fresh = '0b'.repeat(16);
    await store.devices.upsert({ guid: new Uint8Array(Buffer.from(fresh, 'hex')), state: 'active' });
    const c = await campaignService(ctx()).create({ name: 'd', releaseId: 'r7', targetGuids: [fresh], waves: [{ percent: 100 }] }, 'test');
    await campaignService(ctx()).start(c.id, 'test');
    const offered = (await pollAction(ctx(), fresh))?.action.id ?? assert.fail('no action');
    await assert.rejects(actionFeedback(ctx(), fresh, offered, { status: 'succeeded', report: testReport(envelope, key) }), {
      code: 'ERR_CAMPAIGN_REPORT',
      message: /holds no voucher/,
    });
  });

  test('the refusal is audited and logged', async () => {
    const logged: string[] = [];
    await assert.rejects(
      actionFeedback({ store, log: (_l, m) => logged.push(m) }, G, actionId, {
        status: 'succeeded',
        report: testReport(testEnvelope(9, components), key),
      }),
      { code: 'ERR_CAMPAIGN_REPORT' },
    );
    assert.deepEqual(logged, ['campaign report refused']);
    const audit = await store.audit.list({ subject: G });
    assert.equal(audit.items.filter((e) => e.action === 'campaign.report.refused').length, 1);
  });

  for (const keyType of ['secp384r1', 'rsa2048'] as const) {
    test(`a ${keyType} device key signs a report that verifies`, async () => {
      await store.close();
      await setUp(keyType);
      const a = await feedback({ status: 'succeeded', report: testReport(envelope, key) });
      assert.equal(a.reportVerified, true);
    });
  }
});

test('the components a manifest installs: each component index with the image digest set for it', () => {
  const two = [
    { id: 'boot', digest: '11'.repeat(32), size: 4 },
    { id: 'app', digest: '22'.repeat(32), size: 8 },
  ];
  const m = decodeEnvelope(testEnvelope(3, two)).manifest;
  const hexOf = (s: string) => Buffer.from(s).toString('hex');
  assert.deepEqual(
    installedComponents(m).map((c) => [c.componentId, c.digest.hex]),
    [
      [[hexOf('boot')], '11'.repeat(32)],
      [[hexOf('app')], '22'.repeat(32)],
    ],
  );
});
