import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decode, encode } from '../../../src/codec/cbor.ts';
import { type DeviceCredentials, deviceCredentials } from '../../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../../src/lifecycle/device-states.ts';
import { type LastSeen, lastSeen } from '../../../src/lifecycle/last-seen.ts';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';

const A = new Uint8Array(16).fill(0xa1);
const B = new Uint8Array(16).fill(0xb2);
const hex = (g: Uint8Array) => Buffer.from(g).toString('hex');

let store: Store;
let creds: DeviceCredentials;
let app: FastifyInstance;
let tokenA: string;
let tokenB: string;
let seen: LastSeen;

before(async () => {
  store = await openStore(':memory:', { kek: randomBytes(32) });
  for (const g of [A, B]) await store.transaction((r) => moveDevice(r, g, 'onboarded', { replacementGuid: g }));
  creds = deviceCredentials({ store, cacheMs: 60_000 });
  tokenA = await creds.mint(A, { pending: false });
  tokenB = await creds.mint(B, { pending: false });
  seen = lastSeen({ store, flushMs: 3_600_000 });
  // Generous limits: the test sends many refused tokens from one address.
  app = createApp({
    deviceApi: { store, credentials: creds, pollSeconds: 42, lastSeen: seen, limits: { failedLoginsPerMinute: 0, requestsPerMinute: 0 } },
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await seen.close();
  await store.close();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

test('poll: the answer has no action and the interval; the first poll makes the device active, audited', async () => {
  const r = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(tokenA) });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { action: null, pollSeconds: 42 });
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal((await store.devices.get(A))?.state, 'active');
  assert.equal((await store.devices.get(B))?.state, 'onboarded');
  await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(tokenA) });
  const audit = (await store.audit.list({ subject: hex(A) })).items.filter((x) => x.action === 'device.activated');
  assert.equal(audit.length, 1);
});

test('last seen: an authenticated request records the device and its address; a refused one records nothing', async () => {
  // A polled in the test before, from the default address: within the interval it is not recorded again.
  await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(tokenA), remoteAddress: '192.0.2.32' });
  await app.inject({ method: 'GET', url: '/device/v1/config', headers: bearer(tokenB), remoteAddress: '192.0.2.33' });
  const refused = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer('x'.repeat(43)), remoteAddress: '192.0.2.34' });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.headers['cache-control'], 'no-store', 'refusals are not cached either');
  await seen.flush();
  const [a, b] = [await store.devices.get(A), await store.devices.get(B)];
  assert.equal(a?.lastSeenAddress, '127.0.0.1');
  assert.ok(b?.lastSeenAt !== undefined);
  assert.equal(b?.lastSeenAddress, '192.0.2.33');
  const seenSince = new Date(Math.min(a?.lastSeenAt?.getTime() ?? 0, b.lastSeenAt.getTime()));
  assert.equal((await store.devices.list({ seenSince })).items.length, 2);
});

test('config: a device stores and reads its own attributes; another device sees only its own', async () => {
  const body = { model: 'lamp-2', serial: 'S-0001', firmware: [{ component: 'app', version: '1.2.3' }], attributes: { room: 'hall' } };
  const put = await app.inject({ method: 'PUT', url: '/device/v1/config', headers: bearer(tokenA), payload: body });
  assert.equal(put.statusCode, 200, put.body);
  assert.deepEqual(put.json().config, body);
  const got = await app.inject({ method: 'GET', url: '/device/v1/config', headers: bearer(tokenA) });
  assert.equal(got.json().guid, hex(A));
  assert.deepEqual(got.json().config, body);
  const other = await app.inject({ method: 'GET', url: '/device/v1/config', headers: bearer(tokenB) });
  assert.equal(other.statusCode, 200);
  assert.equal(other.json().guid, hex(B));
  assert.deepEqual(other.json().config, {});
  // No route takes a GUID: asking for A's config by path finds nothing.
  const byPath = await app.inject({ method: 'GET', url: `/device/v1/devices/${hex(A)}/config`, headers: bearer(tokenB) });
  assert.equal(byPath.statusCode, 404);
  assert.doesNotMatch(byPath.body, /lamp-2/);
});

test('config: CBOR in and out', async () => {
  const put = await app.inject({
    method: 'PUT',
    url: '/device/v1/config',
    headers: { ...bearer(tokenB), 'content-type': 'application/cbor', accept: 'application/cbor' },
    payload: Buffer.from(
      encode(
        new Map<string, unknown>([
          ['model', 'sensor-9'],
          [
            'firmware',
            [
              new Map([
                ['component', 'fw'],
                ['version', '7'],
              ]),
            ],
          ],
        ]),
      ),
    ),
  });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.headers['content-type'], 'application/cbor');
  const answer = decode(new Uint8Array(put.rawPayload)) as Map<string, unknown>;
  assert.equal(answer.get('guid'), hex(B));
  assert.equal((answer.get('config') as Map<string, unknown>).get('model'), 'sensor-9');
  const poll = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: { ...bearer(tokenB), accept: 'application/cbor' } });
  assert.deepEqual(
    decode(new Uint8Array(poll.rawPayload)),
    new Map<string, unknown>([
      ['action', null],
      ['pollSeconds', 42],
    ]),
  );
});

test('config: bad bodies are refused by field, and nothing is stored', async () => {
  const cases: [unknown, string][] = [
    [{ model: 'x', extra: 1 }, 'ERR_API_VALIDATION'],
    [{ model: '' }, 'ERR_API_VALIDATION'],
    [{ model: 'm'.repeat(129) }, 'ERR_API_VALIDATION'],
    [{ firmware: Array.from({ length: 33 }, () => ({ component: 'c', version: 'v' })) }, 'ERR_API_VALIDATION'],
    [{ attributes: { 'bad name': 'x' } }, 'ERR_API_VALIDATION'],
    [{ model: 7 }, 'ERR_API_VALIDATION'],
  ];
  for (const [payload, code] of cases) {
    const r = await app.inject({ method: 'PUT', url: '/device/v1/config', headers: bearer(tokenA), payload: payload as object });
    assert.equal(r.statusCode, 400, JSON.stringify(payload));
    assert.equal(r.json().code, code);
  }
  const big = await app.inject({
    method: 'PUT',
    url: '/device/v1/config',
    headers: { ...bearer(tokenA), 'content-type': 'application/json' },
    payload: JSON.stringify({ model: 'x'.repeat(40_000) }),
  });
  assert.equal(big.statusCode, 413);
  for (const bytes of [
    Buffer.from([0xa1, 0x01, 0x02]),
    Buffer.from([0xa1, 0x65, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x41, 0x00]),
    Buffer.from([0xff]),
  ]) {
    const r = await app.inject({
      method: 'PUT',
      url: '/device/v1/config',
      headers: { ...bearer(tokenA), 'content-type': 'application/cbor' },
      payload: bytes,
    });
    assert.equal(r.statusCode, 400, bytes.toString('hex'));
  }
  const got = await app.inject({ method: 'GET', url: '/device/v1/config', headers: bearer(tokenA) });
  assert.equal(got.json().config.model, 'lamp-2');
});

test('token attacks: no header, another scheme, random, malformed, and a token of a removed device are 401 with a challenge', async () => {
  const ghost = new Uint8Array(16).fill(0xcc);
  const ghostToken = await creds.mint(ghost, { pending: false });
  const cases: [Record<string, string>, string][] = [
    [{}, 'ERR_DEVICE_API_TOKEN_MISSING'],
    [{ authorization: `Basic ${Buffer.from(`x:${tokenA}`).toString('base64')}` }, 'ERR_DEVICE_API_TOKEN_MISSING'],
    [{ authorization: `Token ${tokenA}` }, 'ERR_DEVICE_API_TOKEN_MISSING'],
    [bearer(randomBytes(32).toString('base64url')), 'ERR_DEVICE_API_TOKEN_UNKNOWN'],
    [bearer(`${tokenA.slice(0, -1)}${tokenA.endsWith('A') ? 'B' : 'A'}`), 'ERR_DEVICE_API_TOKEN_UNKNOWN'],
    [bearer('%%%'), 'ERR_DEVICE_API_TOKEN_UNKNOWN'],
    [bearer(ghostToken), 'ERR_DEVICE_API_DEVICE_RETIRED'],
  ];
  for (const [headers, code] of cases) {
    const r = await app.inject({ method: 'GET', url: '/device/v1/poll', headers });
    assert.equal(r.statusCode, 401, JSON.stringify(headers));
    assert.equal(r.json().code, code, JSON.stringify(headers));
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="iotopia-device"');
    assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  const failed = (await store.audit.list({ limit: 1000 })).items.filter((x) => x.action === 'device-api.login.failed');
  assert.ok(failed.length >= 4);
  assert.ok(failed.every((x) => !JSON.stringify(x.details).includes(tokenA)));
});

test('suspended is 403 with a code and resumes; revoked and decommissioned are 401', async () => {
  const C = new Uint8Array(16).fill(0xc3);
  await store.transaction((r) => moveDevice(r, C, 'onboarded', { replacementGuid: C }));
  const token = await creds.mint(C, { pending: false });
  const poll = () => app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(token) });
  assert.equal((await poll()).statusCode, 200);
  await store.transaction((r) => moveDevice(r, C, 'suspended'));
  const s = await poll();
  assert.equal(s.statusCode, 403);
  assert.equal(s.json().code, 'ERR_DEVICE_API_SUSPENDED');
  await store.transaction((r) => moveDevice(r, C, 'resumed'));
  assert.equal((await poll()).statusCode, 200);
  assert.equal((await store.devices.get(C))?.state, 'active');
  await creds.revoke(C);
  assert.equal((await poll()).json().code, 'ERR_DEVICE_API_TOKEN_REVOKED');
  const next = await creds.rotate(C);
  const ok = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(next) });
  assert.equal(ok.statusCode, 200);
  await store.transaction((r) => moveDevice(r, C, 'decommissioned'));
  const d = await app.inject({ method: 'GET', url: '/device/v1/poll', headers: bearer(next) });
  assert.equal(d.statusCode, 401);
  assert.equal(d.json().code, 'ERR_DEVICE_API_DEVICE_RETIRED');
});
