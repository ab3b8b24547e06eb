import assert from 'node:assert/strict';
import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { applyUpdate, installedSequence } from '../../src/agent/apply-update.ts';
import { pollOnce } from '../../src/agent/device-api-client.ts';
import { updateClient } from '../../src/agent/update-client.ts';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';
import { tickCampaigns } from '../../src/lifecycle/campaigns/engine.ts';
import { campaignService } from '../../src/lifecycle/campaigns/service.ts';
import { deviceCredentials } from '../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../src/lifecycle/device-states.ts';
import { uploadPayload } from '../../src/lifecycle/releases/payloads.ts';
import { createRelease } from '../../src/lifecycle/releases/releases.ts';
import { releaseService } from '../../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority, updateTrustAnchors } from '../../src/lifecycle/releases/update-authority.ts';
import { createApp } from '../../src/server/app.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { storeDeviceVoucher } from '../helpers/device-voucher.ts';

const A = new Uint8Array(16).fill(0xa1);
const B = new Uint8Array(16).fill(0xb2);
const hex = (g: Uint8Array) => Buffer.from(g).toString('hex');
const IMAGE = new Uint8Array(randomBytes(5000));

let store: Store;
let app: FastifyInstance;
let dir: string;
let releases: ReturnType<typeof releaseService>;
const provisions: Record<string, ManagementProvision> = {};
const deviceKeys: Record<string, KeyObject> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iotopia-agent-update-'));
  store = await openStore(':memory:', { kek: randomBytes(32) });
  const creds = deviceCredentials({ store, cacheMs: 60_000 });
  const authority = await ensureUpdateAuthority(store);
  let base = '';
  const service = releaseService({ store, authority, payloadUri: (d) => `${base}/device/v1/artifacts/${d}` });
  releases = service;
  app = createApp({
    deviceApi: { store, credentials: creds, payloads: service.payloads, limits: { failedLoginsPerMinute: 0, requestsPerMinute: 0 } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const anchors = await updateTrustAnchors(store.keys);
  for (const g of [A, B]) {
    await store.transaction((r) => moveDevice(r, g, 'onboarded', { replacementGuid: g }));
    deviceKeys[hex(g)] = await storeDeviceVoucher(store, g);
    const token = await creds.mint(g, { pending: false });
    provisions[hex(g)] = {
      endpoint: `${base}/device/v1`,
      credential: { type: 'bearer', token },
      trustAnchors: anchors,
    } as ManagementProvision;
  }
  const { payload } = await uploadPayload(
    service.payloads,
    (async function* () {
      yield IMAGE;
    })(),
  );
  const release = await createRelease(
    service.releases,
    { model: 'bulb', version: '2.0.0', sequenceNumber: 3, components: [{ id: 'firmware', digest: payload.digest, size: payload.size }] },
    'test',
  );
  const svc = campaignService({ store });
  const c = await svc.create(
    { name: 'r', releaseId: release.id, targetGuids: [hex(A), hex(B)], waves: [{ count: 1 }, { percent: 100 }], successThreshold: 100 },
    'test',
  );
  await svc.start(c.id, 'test');
});
after(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyOf = (g: Uint8Array) => deviceKeys[hex(g)] as KeyObject;

async function runOnce(g: Uint8Array, options: { deferSoft?: boolean } = {}) {
  const p = provisions[hex(g)] as ManagementProvision;
  const data = join(dir, hex(g));
  const answer = await pollOnce(p);
  const a = answer.action;
  if (a === null) return undefined;
  return applyUpdate(
    p,
    updateClient(p, join(data, 'downloads'), fetch),
    { id: a.id as string, type: a.type as string, envelopeUrl: a.envelopeUrl as string },
    data,
    { reportKey: keyOf(g), ...options },
  );
}

test('the agent downloads, verifies and installs the offered release; waves follow; the server records the new sequence number', async () => {
  const first = (await runOnce(A)) ?? (await runOnce(B));
  assert.equal(first?.status, 'succeeded', first?.reason);
  const [done, waiting] = (await installedSequence(join(dir, hex(A)))) === 3 ? [A, B] : [B, A];
  assert.equal(await runOnce(done), undefined, 'nothing more for the updated device');
  assert.equal(await runOnce(waiting), undefined, 'the second wave has not started');
  assert.deepEqual((await tickCampaigns({ store })).changes.length, 1);
  const second = await runOnce(waiting);
  assert.equal(second?.status, 'succeeded', second?.reason);
  for (const g of [A, B]) {
    const data = join(dir, hex(g));
    assert.equal(await installedSequence(data), 3);
    const files = readdirSync(join(data, 'components'));
    assert.equal(files.length, 1);
    assert.deepEqual(new Uint8Array(readFileSync(join(data, 'components', files[0] as string))), IMAGE);
    const installed = await store.campaigns.installed(hex(g));
    assert.equal(installed?.sequenceNumber, 3);
    assert.equal(installed?.version, '2.0.0');
    assert.deepEqual(
      installed?.components?.map((c) => [c.name, c.componentId, c.digest.hex]),
      [['firmware', [Buffer.from('firmware').toString('hex')], createHash('sha256').update(IMAGE).digest('hex')]],
    );
    const action = await store.campaigns.getAction(installed?.reportAction ?? '');
    assert.equal(action?.state, 'succeeded');
    assert.equal(action?.reportVerified, true, 'the kept report verified');
  }
});

test('a download resumes from a partial file with a Range request', async () => {
  const p = provisions[hex(A)] as ManagementProvision;
  const [digest] = (await store.payloads.list()).items.map((x) => x.digest);
  const downloads = join(dir, 'resume');
  const client = updateClient(p, downloads, fetch);
  // A is no longer offered anything, so the artifact is refused: a partial file never becomes a payload it was not offered.
  await assert.rejects(client.artifact(`/device/v1/artifacts/${digest}`), { status: 404 });
  const ranges: string[] = [];
  // A server that answers the resumed range, as the device API does (its 206 is tested in test/server/device-api).
  const stub: typeof fetch = async (_url, init) => {
    ranges.push(new Headers(init?.headers).get('range') ?? '');
    return new Response(IMAGE.subarray(2000), { status: 206, headers: { 'content-range': `bytes 2000-4999/5000` } });
  };
  writeFileSync(join(downloads, `${digest}.part`), IMAGE.subarray(0, 2000));
  const got = await updateClient(p, downloads, stub).artifact(`/device/v1/artifacts/${digest}`);
  assert.deepEqual(got, IMAGE);
  assert.deepEqual(ranges, ['bytes=2000-']);
});

test('an envelope that the provisioned anchors do not authenticate is not installed, and the failure is reported', async () => {
  const [digest] = (await store.payloads.list()).items.map((x) => x.digest);
  const release = await createRelease(
    releases.releases,
    { model: 'bulb', version: '3.0.0', sequenceNumber: 4, components: [{ id: 'firmware', digest: digest as string, size: IMAGE.length }] },
    'test',
  );
  const svc = campaignService({ store });
  const c = await svc.create({ name: 'r3', releaseId: release.id, targetGuids: [hex(A)], waves: [{ percent: 100 }] }, 'test');
  await svc.start(c.id, 'test');
  const other = await openStore(':memory:', { kek: randomBytes(32) });
  await ensureUpdateAuthority(other);
  const stranger = await updateTrustAnchors(other.keys);
  await other.close();
  const p = { ...(provisions[hex(A)] as ManagementProvision), trustAnchors: stranger };
  const data = join(dir, hex(A));
  const a = (await pollOnce(p)).action;
  assert.ok(a);
  const r = await applyUpdate(
    p,
    updateClient(p, join(data, 'downloads'), fetch),
    { id: a.id as string, type: 'forced', envelopeUrl: a.envelopeUrl as string },
    data,
    { reportKey: keyOf(A) },
  );
  assert.equal(r.status, 'failed');
  assert.match(r.reason ?? '', /ERR_SUIT/);
  assert.equal(r.report, undefined, 'nothing of an unauthenticated manifest is reported');
  const action = await store.campaigns.getAction(a.id as string);
  assert.equal(action?.state, 'failed');
  assert.equal(action?.reason, r.reason);
  assert.equal(await installedSequence(data), 3, 'the device keeps what it had');
  assert.equal((await store.campaigns.installed(hex(A)))?.sequenceNumber, 3);
});

test('an update that needs confirmation waits without --accept-updates, and installs once the agent confirms', async () => {
  const [digest] = (await store.payloads.list()).items.map((x) => x.digest);
  const release = await createRelease(
    releases.releases,
    { model: 'bulb', version: '4.0.0', sequenceNumber: 5, components: [{ id: 'firmware', digest: digest as string, size: IMAGE.length }] },
    'test',
  );
  const svc = campaignService({ store });
  const c = await svc.create(
    { name: 'r4', releaseId: release.id, targetGuids: [hex(B)], waves: [{ percent: 100 }], confirm: true },
    'test',
  );
  await svc.start(c.id, 'test');
  const p = provisions[hex(B)] as ManagementProvision;
  const data = join(dir, hex(B));
  const a = (await pollOnce(p)).action;
  assert.equal(a?.confirm, true);
  const offered = { id: a?.id as string, type: 'forced', envelopeUrl: a?.envelopeUrl as string, confirm: true };
  const client = updateClient(p, join(data, 'downloads'), fetch);
  assert.deepEqual(await applyUpdate(p, client, offered, data, { reportKey: keyOf(B) }), { status: 'awaiting-confirmation' });
  assert.equal((await store.campaigns.getAction(offered.id))?.state, 'offered');
  const r = await applyUpdate(p, client, offered, data, { accept: true, reportKey: keyOf(B) });
  assert.equal(r.status, 'succeeded', r.reason);
  assert.equal(await installedSequence(data), 5);
  assert.equal((await store.campaigns.getAction(offered.id))?.state, 'succeeded');
});

/** A published release of the same image and a one-wave campaign of `actionType` for `g`. */
async function campaignFor(g: Uint8Array, version: string, sequenceNumber: number, actionType: 'forced' | 'soft' | 'download-only') {
  const [digest] = (await store.payloads.list()).items.map((x) => x.digest);
  const release = await createRelease(
    releases.releases,
    { model: 'bulb', version, sequenceNumber, components: [{ id: 'firmware', digest: digest as string, size: IMAGE.length }] },
    'test',
  );
  const svc = campaignService({ store });
  const c = await svc.create(
    { name: version, releaseId: release.id, targetGuids: [hex(g)], waves: [{ percent: 100 }], actionType },
    'test',
  );
  await svc.start(c.id, 'test');
}

test('download-only downloads and checks every payload, reports downloaded, and installs nothing', async () => {
  await campaignFor(A, '5.0.0', 6, 'download-only');
  const data = join(dir, hex(A));
  const before = await installedSequence(data);
  const component = readFileSync(join(data, 'components', readdirSync(join(data, 'components'))[0] as string));
  rmSync(join(data, 'downloads'), { recursive: true, force: true });
  const r = await runOnce(A);
  assert.equal(r?.status, 'downloaded', r?.reason);
  assert.equal(r?.report, undefined);
  assert.equal(await installedSequence(data), before, 'no sequence number written');
  assert.deepEqual(readFileSync(join(data, 'components', readdirSync(join(data, 'components'))[0] as string)), component);
  const digest = createHash('sha256').update(IMAGE).digest('hex');
  assert.deepEqual(new Uint8Array(readFileSync(join(data, 'downloads', digest))), IMAGE, 'the payload is kept, checked');
  const [action] = await store.campaigns.actionsOfDevice(hex(A), ['downloaded']);
  assert.ok(action, 'the server has the action as downloaded');
  await store.campaigns.updateAction(action.id, ['downloaded'], { state: 'cancelled' });
});

test('a soft update is downloaded while the agent defers soft updates, and installed on a later run without deferring', async () => {
  await campaignFor(B, '6.0.0', 7, 'soft');
  const data = join(dir, hex(B));
  const deferred = await runOnce(B, { deferSoft: true });
  assert.equal(deferred?.status, 'downloaded', deferred?.reason);
  assert.equal(await installedSequence(data), 5);
  const fetched: string[] = [];
  const p = provisions[hex(B)] as ManagementProvision;
  const counting: typeof fetch = (input, init) => {
    fetched.push(String(input));
    return fetch(input, init);
  };
  const a = (await pollOnce(p)).action;
  assert.equal(a?.type, 'soft');
  const r = await applyUpdate(
    p,
    updateClient(p, join(data, 'downloads'), counting),
    { id: a?.id as string, type: 'soft', envelopeUrl: a?.envelopeUrl as string },
    data,
    { reportKey: keyOf(B) },
  );
  assert.equal(r.status, 'succeeded', r.reason);
  assert.equal(await installedSequence(data), 7);
  assert.equal(fetched.filter((u) => u.includes('/artifacts/')).length, 0, 'the payload downloaded while deferred is not fetched again');
  assert.equal((await store.campaigns.installed(hex(B)))?.sequenceNumber, 7);
});

test('a report signed with another key is refused: the action keeps its state and the refusal is kept and audited', async () => {
  await campaignFor(A, '7.0.0', 8, 'forced');
  const data = join(dir, hex(A));
  const p = provisions[hex(A)] as ManagementProvision;
  const a = (await pollOnce(p)).action;
  const wrongKey = (await generateKeyPair('secp256r1')).privateKey;
  const client = updateClient(p, join(data, 'downloads'), fetch);
  const offered = { id: a?.id as string, type: 'forced', envelopeUrl: a?.envelopeUrl as string };
  // Another holder of A's bearer credential, with its own components and key.
  const elsewhere = join(dir, 'elsewhere');
  await assert.rejects(applyUpdate(p, client, offered, elsewhere, { reportKey: wrongKey }), { code: 'ERR_CAMPAIGN_REPORT', status: 422 });
  const action = await store.campaigns.getAction(a?.id as string);
  assert.equal(action?.state, 'downloading', 'the action keeps its state');
  assert.match(action?.reportError ?? '', /does not verify/);
  assert.notEqual((await store.campaigns.installed(hex(A)))?.sequenceNumber, 8);
  const audit = await store.audit.list({ subject: hex(A) });
  assert.ok(audit.items.some((e) => e.action === 'campaign.report.refused'));
  // The real device's report for the same action is then taken.
  const r = await applyUpdate(p, client, offered, data, { reportKey: keyOf(A) });
  assert.equal(r.status, 'succeeded', r.reason);
  assert.equal((await store.campaigns.getAction(a?.id as string))?.reportError, undefined);
});
