/**
 * collectEvidenceFacts over a real SQLite store whose devices came through FDO DI: which devices
 * belong to the model, what their vouchers, the MUD role, the MUD manager, releases and campaigns
 * say, and how a shared device key or a failing signature shows in the facts and flips its rule.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { collectEvidenceFacts } from '../../../src/compliance/evidence/collect-facts.ts';
import { evaluateRules } from '../../../src/compliance/evidence/evaluate-rules.ts';
import { guidFromText } from '../../../src/fdo/types/guid.ts';
import { MODEL, MUD_URL, makeWorld, publishRelease, publishSignedMud, type World } from './store-world.ts';

const NOW = new Date('2030-06-01T00:00:00Z');
const now = () => new Date(NOW.getTime());
const bytes = (hex: string) => guidFromText(hex);

describe('collectEvidenceFacts on a store made through FDO DI', () => {
  let w: World;
  let devices: string[];
  let other: string;
  let releases: string[];

  before(async () => {
    w = await makeWorld(now);
    devices = [await w.makeDevice(MODEL), await w.makeDevice(MODEL), await w.makeDevice(MODEL)];
    other = await w.makeDevice('other-model');
    for (const g of devices) {
      await w.store.devices.markOnboarded(bytes(g), bytes(g), { mudUrl: MUD_URL });
      await w.store.devices.upsert({ guid: bytes(g), state: 'active' });
    }
    await publishSignedMud(w.store, MUD_URL, NOW);
    // The MUD manager enforces the first two devices; the first broke its intent three times.
    for (const [i, g] of devices.slice(0, 2).entries()) {
      await w.store.intentDevices.put({
        mac: `02:00:00:00:00:0${i}`,
        guid: g,
        mudUrl: MUD_URL,
        urlSource: 'fdo',
        mud: { json: '{}', digest: 'ab', signer: 'CN=mud.example.com', signed: true },
        names: [],
        state: 'enforced',
        ruleCount: 2,
      });
    }
    await w.store.intentViolations.record({
      mac: '02:00:00:00:00:00',
      direction: 'from-device',
      protocol: 6,
      peer: '203.0.113.5',
      peerPort: 23,
      localPort: 40000,
      acl: 'default-deny',
      at: new Date(NOW.getTime() - 86_400_000),
      count: 3,
    });
    releases = [await publishRelease(w, MODEL, '1.0.0', 1), await publishRelease(w, MODEL, '1.1.0', 2)];
    await w.store.campaigns.create({
      id: 'c1',
      name: 'roll out 1.1.0',
      releaseId: releases[1] as string,
      targetGuids: devices.slice(0, 2),
      waves: [{ percent: 100 }],
      actionType: 'forced',
      confirm: false,
      errorThreshold: 50,
      timeoutSeconds: 3600,
      retries: { attempts: 0, backoffSeconds: 60 },
    });
    await w.store.campaigns.addActions('c1', [
      { id: 'a1', guid: devices[0] as string, wave: 0 },
      { id: 'a2', guid: devices[1] as string, wave: 0 },
    ]);
    await w.store.campaigns.updateAction('a1', ['scheduled'], { state: 'succeeded', report: new Uint8Array([0xa0]), reportVerified: true });
  });
  after(() => w.close());

  test('the devices of the model are those whose voucher names it; each has its own DI key', async () => {
    const f = await collectEvidenceFacts(w.deps(), MODEL, NOW);
    assert.equal(f.devices.total, 3);
    assert.equal(f.devices.inService, 3);
    assert.equal(f.devices.withDiCredential, 3);
    assert.deepEqual([f.devices.sharingKey, f.devices.sharedKeys, f.devices.unreadable], [0, 0, 0]);
    assert.deepEqual([...f.devices.examples].sort(), [...devices].sort());
    assert.ok(!f.devices.examples.includes(other));
    assert.deepEqual(f.devices.mudUrlReported, { product: 3, other: 0, otherExamples: [] });
    assert.equal(evaluateRules(f).get('unique-device-credentials')?.outcome, 'met');
    const o = await collectEvidenceFacts(w.deps(), 'other-model', NOW);
    assert.deepEqual([o.devices.total, o.devices.inService, o.devices.examples], [1, 0, [other]]);
  });

  test('MUD: the published file verifies again; the manager enforces two of three with their history', async () => {
    const f = await collectEvidenceFacts(w.deps(), MODEL, NOW);
    assert.deepEqual(f.mud, {
      url: MUD_URL,
      published: { name: 'thermo-1.json', mudUrl: MUD_URL, signer: f.mud.published?.signer, verifies: true },
      fetchedSigned: 2,
      fetchedUnsigned: 0,
    });
    assert.match(f.mud.published?.signer ?? '', /mud\.example\.com/);
    assert.deepEqual([f.intent.known, f.intent.enforced, f.intent.quarantined], [2, 2, 0]);
    assert.deepEqual(f.intent.notEnforcedExamples, [devices[2]]);
    assert.deepEqual([f.intent.violations, f.intent.devicesWithViolations, f.intent.quarantines], [3, 1, 0]);
    const r = evaluateRules(f);
    assert.equal(r.get('mud-signed-published')?.outcome, 'met');
    assert.equal(r.get('mud-enforced')?.outcome, 'partially-met');
  });

  test('updates: both releases verify with rising sequence numbers; one of two targeted devices installed', async () => {
    const f = await collectEvidenceFacts(w.deps(), MODEL, NOW);
    assert.deepEqual(
      f.updates.releases.map((r) => [r.id, r.sequenceNumber, r.manifestSequence, r.verifies]),
      [
        [releases[0], 1, 1, true],
        [releases[1], 2, 2, true],
      ],
    );
    assert.deepEqual([f.updates.campaigns, f.updates.targeted, f.updates.installedVerified], [1, 2, 1]);
    assert.deepEqual(f.updates.notInstalledExamples, [devices[1]]);
    const r = evaluateRules(f);
    assert.deepEqual(
      ['updates-signed', 'updates-anti-rollback', 'updates-delivered'].map((id) => r.get(id as 'updates-signed')?.outcome),
      ['met', 'met', 'partially-met'],
    );
  });

  test('an envelope checked against another anchor does not verify, and updates-signed is not met', async () => {
    const deps = w.deps();
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const f = await collectEvidenceFacts({ ...deps, updateAnchors: [keyObjectToCoseKey(foreign)] }, MODEL, NOW);
    assert.ok(f.updates.releases.every((r) => !r.verifies && r.manifestSequence === undefined));
    assert.equal(evaluateRules(f).get('updates-signed')?.outcome, 'not-met');
    assert.equal(evaluateRules(f).get('updates-anti-rollback')?.outcome, 'not-met');
  });

  test('without a product the model devices are still counted, and product rules say register it', async () => {
    const f = await collectEvidenceFacts(w.deps({ product: undefined }), MODEL, NOW);
    assert.equal(f.devices.total, 3);
    assert.equal(f.mud.url, undefined);
    assert.equal(evaluateRules(f).get('unique-device-credentials')?.remedy, 'Register the product.');
  });
});

describe('a shared device credential flips unique-device-credentials', () => {
  test('a second DI with the same device key', async () => {
    const w = await makeWorld(now);
    try {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const first = await w.makeDevice(MODEL, key);
      await w.makeDevice(MODEL);
      assert.equal(evaluateRules(await collectEvidenceFacts(w.deps(), MODEL, NOW)).get('unique-device-credentials')?.outcome, 'met');
      const second = await w.makeDevice(MODEL, key);
      const f = await collectEvidenceFacts(w.deps(), MODEL, NOW);
      assert.deepEqual([f.devices.total, f.devices.sharingKey, f.devices.sharedKeys], [3, 2, 1]);
      assert.deepEqual(
        f.devices.sharingExamples.map((g) => [...g].sort()),
        [[first, second].sort()],
      );
      const r = evaluateRules(f).get('unique-device-credentials');
      assert.equal(r?.outcome, 'not-met');
      assert.match(r?.detail ?? '', /^2 of 3 devices share a device key/);
    } finally {
      await w.close();
    }
  });

  test("a device's voucher copied into the store under another device's GUID", async () => {
    const w = await makeWorld(now);
    try {
      const a = await w.makeDevice(MODEL);
      const b = await w.makeDevice(MODEL);
      const copied = await w.store.vouchers.get('manufacturer', bytes(a));
      await w.store.vouchers.put({ side: 'manufacturer', guid: bytes(b), voucher: copied?.voucher as Uint8Array, state: 'created' });
      const f = await collectEvidenceFacts(w.deps(), MODEL, NOW);
      assert.deepEqual([f.devices.total, f.devices.sharingKey, f.devices.sharedKeys], [2, 2, 1]);
      assert.equal(evaluateRules(f).get('unique-device-credentials')?.outcome, 'not-met');
    } finally {
      await w.close();
    }
  });
});
