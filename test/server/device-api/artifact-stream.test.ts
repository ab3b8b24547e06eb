/**
 * Artifact downloads stream: a payload longer than any former cap comes whole in one answer, and a
 * chunk that fails its check cuts the answer short of its Content-Length (or refuses it outright
 * when it is the first), so altered bytes are never handed out.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { deviceCredentials } from '../../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../../src/lifecycle/device-states.ts';
import { directoryPayloadStorage } from '../../../src/lifecycle/releases/directory-storage.ts';
import { PAYLOAD_CHUNK_SIZE } from '../../../src/lifecycle/releases/payload-storage.ts';
import { MAX_RANGE_BYTES, type PayloadDeps, uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { tempDir } from '../../helpers/temp.ts';

const A = new Uint8Array(16).fill(0xa5);
const PAYLOAD = new Uint8Array(randomBytes(MAX_RANGE_BYTES + PAYLOAD_CHUNK_SIZE + 1000));
const DIGEST = createHash('sha256').update(PAYLOAD).digest('hex');
const dir = tempDir('iotopia-artifact-stream-');

let store: Store;
let app: FastifyInstance;
let url: string;
let token: string;
let blob: string;

before(async () => {
  store = await openStore(':memory:', { kek: randomBytes(32) });
  const creds = deviceCredentials({ store });
  await store.transaction((r) => moveDevice(r, A, 'onboarded', { replacementGuid: A }));
  token = await creds.mint(A, { pending: false });
  const payloads: PayloadDeps = { payloads: store.payloads, storage: directoryPayloadStorage(join(dir, 'p')), maxBytes: 64 << 20 };
  const { payload } = await uploadPayload(
    payloads,
    (async function* () {
      yield PAYLOAD;
    })(),
  );
  blob = join(dir, 'p', payload.blobId);
  await store.releases.create({
    id: 'r1',
    model: 'm',
    version: '2',
    sequenceNumber: 2,
    components: [{ id: 'firmware', digest: DIGEST, size: PAYLOAD.length }],
    envelope: Uint8Array.of(0xd8, 0x6b, 0xa0),
    state: 'published',
    origin: 'signed',
  });
  const svc = campaignService({ store });
  const c = await svc.create({ name: 'r', releaseId: 'r1', targetGuids: [Buffer.from(A).toString('hex')], waves: [{ percent: 100 }] }, 't');
  await svc.start(c.id, 't');
  app = createApp({ deviceApi: { store, credentials: creds, payloads, limits: { failedLoginsPerMinute: 0, requestsPerMinute: 0 } } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/device/v1`;
  assert.equal((await fetch(`${url}/poll`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
});
after(async () => {
  await app.close();
  await store.close();
});

const get = (headers: Record<string, string> = {}) =>
  fetch(`${url}/artifacts/${DIGEST}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

/** Overwrites one byte of the stored file at `at`. */
async function alter(at: number): Promise<void> {
  const f = await open(blob, 'r+');
  try {
    const b = Buffer.alloc(1);
    await f.read(b, 0, 1, at);
    b[0] = (b[0] ?? 0) ^ 0xff;
    await f.write(b, 0, 1, at);
  } finally {
    await f.close();
  }
}

test('a payload longer than one range cap comes whole in one 200 answer, with its length and ETag', async () => {
  const r = await get();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-length'), String(PAYLOAD.length));
  assert.equal(r.headers.get('etag'), `"${DIGEST}"`);
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), PAYLOAD);
  const part = await get({ range: `bytes=${PAYLOAD_CHUNK_SIZE - 10}-` });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes ${PAYLOAD_CHUNK_SIZE - 10}-${PAYLOAD.length - 1}/${PAYLOAD.length}`);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), PAYLOAD.subarray(PAYLOAD_CHUNK_SIZE - 10));
});

test('a chunk altered in storage: a later one cuts the answer short, the first refuses it', async () => {
  await alter(2 * PAYLOAD_CHUNK_SIZE + 5);
  const r = await get();
  assert.equal(r.status, 200, 'the first chunks were good, so the answer began');
  const got = await r.arrayBuffer().then(
    (b) => new Uint8Array(b),
    () => undefined,
  );
  assert.ok(got === undefined || got.length < PAYLOAD.length, 'the body stops short of its Content-Length');
  const early = await get({ range: `bytes=0-${PAYLOAD_CHUNK_SIZE - 1}` });
  assert.equal(early.status, 206, 'a range before the altered chunk is still served');
  assert.deepEqual(new Uint8Array(await early.arrayBuffer()), PAYLOAD.subarray(0, PAYLOAD_CHUNK_SIZE));
  const late = await get({ range: `bytes=${2 * PAYLOAD_CHUNK_SIZE}-` });
  assert.equal(late.status, 500, 'a range starting in the altered chunk is refused before it begins');
  const body = await late.text();
  assert.ok(![...body].some((c) => c.charCodeAt(0) < 9), 'the refusal carries no payload bytes');
  await alter(2 * PAYLOAD_CHUNK_SIZE + 5);
});
