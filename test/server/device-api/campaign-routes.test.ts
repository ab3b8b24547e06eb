import assert from 'node:assert/strict';
import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { type DeviceCredentials, deviceCredentials } from '../../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../../src/lifecycle/device-states.ts';
import { databasePayloadStorage } from '../../../src/lifecycle/releases/database-storage.ts';
import { type PayloadDeps, uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { testEnvelope, testReport } from '../../helpers/device-report.ts';
import { storeDeviceVoucher } from '../../helpers/device-voucher.ts';

const A = new Uint8Array(16).fill(0xa1);
const B = new Uint8Array(16).fill(0xb2);
const C = new Uint8Array(16).fill(0xc3);
const hex = (g: Uint8Array) => Buffer.from(g).toString('hex');
const PAYLOAD = new Uint8Array(randomBytes(3000));
const DIGEST = createHash('sha256').update(PAYLOAD).digest('hex');
const OTHER = new Uint8Array(randomBytes(100));
const OTHER_DIGEST = createHash('sha256').update(OTHER).digest('hex');
const ENVELOPE = testEnvelope(2, [{ id: 'firmware', digest: DIGEST, size: PAYLOAD.length }]);
const deviceKeys: Record<string, KeyObject> = {};

let store: Store;
let creds: DeviceCredentials;
let app: FastifyInstance;
const token: Record<string, string> = {};

before(async () => {
  store = await openStore(':memory:', { kek: randomBytes(32) });
  creds = deviceCredentials({ store, cacheMs: 60_000 });
  for (const g of [A, B, C]) {
    await store.transaction((r) => moveDevice(r, g, 'onboarded', { replacementGuid: g }));
    token[hex(g)] = await creds.mint(g, { pending: false });
    deviceKeys[hex(g)] = await storeDeviceVoucher(store, g);
  }
  const payloads: PayloadDeps = { payloads: store.payloads, storage: databasePayloadStorage(store.payloads), maxBytes: 1 << 20 };
  const one = async function* (b: Uint8Array) {
    yield b;
  };
  await uploadPayload(payloads, one(PAYLOAD));
  await uploadPayload(payloads, one(OTHER));
  await store.releases.create({
    id: 'r1',
    model: 'm',
    version: '2.0',
    sequenceNumber: 2,
    components: [{ id: 'firmware', digest: DIGEST, size: PAYLOAD.length }],
    envelope: ENVELOPE,
    state: 'published',
    origin: 'signed',
  });
  const svc = campaignService({ store });
  const c = await svc.create(
    { name: 'r', releaseId: 'r1', targetGuids: [hex(A), hex(B)], waves: [{ percent: 100 }], confirm: true },
    'test',
  );
  await svc.start(c.id, 'test');
  app = createApp({
    deviceApi: { store, credentials: creds, pollSeconds: 42, payloads, limits: { failedLoginsPerMinute: 0, requestsPerMinute: 0 } },
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await store.close();
});

const get = (g: Uint8Array, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token[hex(g)]}`, ...headers } });
const feedback = (g: Uint8Array, id: string, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/device/v1/actions/${id}/feedback`,
    headers: { authorization: `Bearer ${token[hex(g)]}` },
    payload: body,
  });

async function actionOf(g: Uint8Array): Promise<{ id: string; envelopeUrl: string; type: string; confirm: boolean }> {
  const r = await get(g, '/device/v1/poll');
  assert.equal(r.statusCode, 200, r.body);
  return r.json().action;
}

test('poll offers the device its action; a device outside the campaign gets none', async () => {
  const a = await actionOf(A);
  assert.equal(a.type, 'forced');
  assert.equal(a.confirm, true);
  assert.equal(a.envelopeUrl, `/device/v1/actions/${a.id}/envelope`);
  assert.equal((await actionOf(A)).id, a.id);
  assert.equal(await actionOf(C), null);
});

test('envelope: only the caller’s own action', async () => {
  const a = await actionOf(A);
  const r = await get(A, a.envelopeUrl);
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'application/suit-envelope+cose');
  assert.deepEqual(new Uint8Array(r.rawPayload), ENVELOPE);
  const other = await get(B, a.envelopeUrl);
  assert.equal(other.statusCode, 404);
  assert.equal(other.json().code, 'ERR_CAMPAIGN_ACTION_NOT_FOUND');
  assert.equal((await get(C, a.envelopeUrl)).statusCode, 404);
});

test('artifacts: whole, single ranges (206), unsatisfiable (416), ETag; only payloads offered to the caller', async () => {
  await actionOf(A);
  const whole = await get(A, `/device/v1/artifacts/${DIGEST}`);
  assert.equal(whole.statusCode, 200);
  assert.equal(whole.headers.etag, `"${DIGEST}"`);
  assert.deepEqual(new Uint8Array(whole.rawPayload), PAYLOAD);
  const part = await get(A, `/device/v1/artifacts/${DIGEST}`, { range: 'bytes=1000-' });
  assert.equal(part.statusCode, 206);
  assert.equal(part.headers['content-range'], `bytes 1000-2999/3000`);
  assert.deepEqual(new Uint8Array(part.rawPayload), PAYLOAD.subarray(1000));
  const mid = await get(A, `/device/v1/artifacts/${DIGEST}`, { range: 'bytes=10-19' });
  assert.deepEqual(new Uint8Array(mid.rawPayload), PAYLOAD.subarray(10, 20));
  const suffix = await get(A, `/device/v1/artifacts/${DIGEST}`, { range: 'bytes=-5' });
  assert.deepEqual(new Uint8Array(suffix.rawPayload), PAYLOAD.subarray(2995));
  const beyond = await get(A, `/device/v1/artifacts/${DIGEST}`, { range: 'bytes=3000-' });
  assert.equal(beyond.statusCode, 416);
  assert.equal(beyond.headers['content-range'], 'bytes */3000');
  assert.equal((await get(A, `/device/v1/artifacts/${OTHER_DIGEST}`)).statusCode, 404, 'a stored payload of no offered release');
  assert.equal((await get(C, `/device/v1/artifacts/${DIGEST}`)).statusCode, 404, 'a device that was offered nothing');
  assert.equal((await get(A, '/device/v1/artifacts/not-a-digest')).statusCode, 404);
});

test('feedback: progress then success records the installed release; another device cannot answer; a finished action takes no more', async () => {
  const a = await actionOf(B);
  assert.equal((await feedback(A, a.id, { status: 'succeeded' })).statusCode, 404);
  const bad = await feedback(B, a.id, { status: 'exploded' });
  assert.equal(bad.statusCode, 400);
  const early = await feedback(B, a.id, { status: 'downloading' });
  assert.equal(early.statusCode, 409, 'the campaign requires confirmation first');
  assert.match(early.json().detail, /before it is confirmed/);
  const confirm = (g: Uint8Array, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/device/v1/actions/${a.id}/confirm`,
      headers: { authorization: `Bearer ${token[hex(g)]}` },
      payload: body,
    });
  assert.equal((await confirm(A, { accept: true })).statusCode, 404, "another device cannot confirm B's action");
  const confirmed = await confirm(B, { accept: true });
  assert.deepEqual(confirmed.json(), { id: a.id, state: 'confirmed' });
  assert.equal((await confirm(B, { accept: true })).statusCode, 409);
  const dl = await feedback(B, a.id, { status: 'downloading' });
  assert.deepEqual(dl.json(), { id: a.id, state: 'downloading' });
  const forged = Buffer.from(testReport(ENVELOPE, deviceKeys[hex(A)] as KeyObject)).toString('base64url');
  const refused = await feedback(B, a.id, { status: 'succeeded', report: forged });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(refused.json().code, 'ERR_CAMPAIGN_REPORT');
  assert.equal((await store.campaigns.getAction(a.id))?.state, 'downloading', 'a refused report changes no state');
  const bytes = testReport(ENVELOPE, deviceKeys[hex(B)] as KeyObject);
  const ok = await feedback(B, a.id, { status: 'succeeded', report: Buffer.from(bytes).toString('base64url'), sequenceNumber: 7 });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(await store.campaigns.report(a.id), bytes);
  assert.equal((await store.campaigns.installed(hex(B)))?.sequenceNumber, 2, "the manifest's sequence number, not the device's claim");
  const again = await feedback(B, a.id, { status: 'failed' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'ERR_CAMPAIGN_FEEDBACK');
  assert.equal(await actionOf(B), null, 'a finished action is not offered again');
});

test('confirmation: a device that declines cancels its action, with the reason', async () => {
  const c = await campaignService({ store }).create(
    { name: 'c', releaseId: 'r1', targetGuids: [hex(C)], waves: [{ percent: 100 }], confirm: true },
    'test',
  );
  await campaignService({ store }).start(c.id, 'test');
  const a = await actionOf(C);
  assert.equal(a.confirm, true);
  const r = await app.inject({
    method: 'POST',
    url: `/device/v1/actions/${a.id}/confirm`,
    headers: { authorization: `Bearer ${token[hex(C)]}` },
    payload: { accept: false, reason: 'user said no' },
  });
  assert.deepEqual(r.json(), { id: a.id, state: 'cancelled' });
  assert.equal((await store.campaigns.getAction(a.id))?.reason, 'declined by the device: user said no');
  assert.equal(await actionOf(C), null);
});
