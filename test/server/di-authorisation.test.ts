/**
 * Manufacturing is authorised: the attacks of issue 12 against DI, over HTTP. The servers listen
 * on 127.0.0.1 but are started as if they listened on a public address (`loopbackOnly: false`), so
 * no test binds a non-loopback address.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { ErrorCode } from '../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { decodeErrorMessage } from '../../src/fdo/messages/error.ts';
import { createDiDevice } from '../../src/fdo/protocol/di-device.ts';
import { createDiToken } from '../../src/onboarding/di-tokens.ts';
import { PG_SKIP, roleTokens, startReplicaPair, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';

async function manufacture(url: string, diToken?: string): Promise<DeviceCredential> {
  const { privateKey } = await generateKeyPair('secp256r1');
  const device = { random, deviceKey: privateKey, serialNumber: `DA-${randomBytes(4).toString('hex')}`, model: 'di auth test' };
  return runDi(url, device, diToken === undefined ? {} : { diToken });
}

/** Rejects with the server's FDO error message: INVALID_JWT_TOKEN. */
const refusedWithCode1 = (e: unknown) => {
  assert.equal((e as { peerCode?: number }).peerCode, ErrorCode.INVALID_JWT_TOKEN, String(e));
  return true;
};

async function refusals(t: TestPlatform) {
  return (await t.platform.store.audit.list({ subject: 'di' })).items.filter((r) => r.action === 'di.refused');
}

describe('DI on a server that is not loopback-only', () => {
  let now = Date.parse('2031-03-01T00:00:00Z');
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform('iotopia-diauth-', { autoOwner: false }, { loopbackOnly: false, clock: () => new Date(now) });
  });
  after(() => t.close());
  const newToken = async (o: { maxDevices?: number; expiresAt?: Date } = {}) =>
    createDiToken(t.platform.store, { name: 'line', ...o }, { actor: 'test', clock: () => new Date(now) });

  test('an anonymous DI.AppStart gets an FDO error message (INVALID_JWT_TOKEN, HTTP 500 as every FDO error), no session, no device; the refusal is audited', async () => {
    const before = (await t.platform.store.vouchers.list('manufacturer')).items.length;
    const { privateKey } = await generateKeyPair('secp256r1');
    const start = await createDiDevice({ random, deviceKey: privateKey, serialNumber: 'ANON', model: 'x' }).start();
    const response = await fetch(`${t.platform.url}/fdo/101/msg/${MsgType.DI_AppStart}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: (start.request as { body: Uint8Array }).body,
    });
    assert.equal(response.status, 500, 'the FDO transport answers error messages with 500, never 401/403');
    assert.equal(response.headers.get('message-type'), String(MsgType.Error));
    assert.equal(response.headers.get('authorization'), null, 'no session was opened');
    const message = decodeErrorMessage(new Uint8Array(await response.arrayBuffer()));
    assert.equal(message.code, ErrorCode.INVALID_JWT_TOKEN);
    assert.equal(message.prevMsgType, MsgType.DI_AppStart);

    await assert.rejects(manufacture(t.platform.url), refusedWithCode1);
    assert.equal((await t.platform.store.vouchers.list('manufacturer')).items.length, before, 'no voucher was made');
    const audited = await refusals(t);
    assert.ok(audited.length >= 2);
    const last = audited.at(-1);
    assert.equal(last?.actor, 'anonymous');
    assert.equal(last?.details['reason'], 'ERR_DI_NOT_AUTHORISED');
    assert.equal(last?.details['remoteAddress'], '127.0.0.1');
    assert.equal(last?.details['listener'], 'main');
  });

  test('a token good for two devices makes two; the third is refused; vouchers record the token', async () => {
    const token = await newToken({ maxDevices: 2 });
    const made = [await manufacture(t.platform.url, token.secret), await manufacture(t.platform.url, token.secret)];
    for (const c of made) assert.equal((await t.platform.store.vouchers.get('manufacturer', c.guid))?.diAuthorisedBy, `token:${token.id}`);
    await assert.rejects(manufacture(t.platform.url, token.secret), refusedWithCode1);
    assert.equal((await t.platform.store.diTokens.get(token.id))?.used, 2);
    const last = (await refusals(t)).at(-1);
    assert.equal(last?.details['reason'], 'ERR_DI_TOKEN_USED_UP');
    assert.equal(last?.actor, `di-token:${token.id}`);
    assert.ok(!JSON.stringify(await refusals(t)).includes(token.secret), 'the audit log never holds the secret');
  });

  test('an expired token, a revoked token and an unknown token are refused', async () => {
    const expiring = await newToken({ expiresAt: new Date(now + 60_000) });
    await manufacture(t.platform.url, expiring.secret);
    now += 60_000;
    await assert.rejects(manufacture(t.platform.url, expiring.secret), refusedWithCode1);
    assert.equal((await refusals(t)).at(-1)?.details['reason'], 'ERR_DI_TOKEN_EXPIRED');

    const revoked = await newToken();
    const admin = (await roleTokens(t.platform)).manufacturer;
    const r = await t.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/di-tokens/${revoked.id}/revoke`,
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(r.statusCode, 200, r.body);
    await assert.rejects(manufacture(t.platform.url, revoked.secret), refusedWithCode1);
    assert.equal((await refusals(t)).at(-1)?.details['reason'], 'ERR_DI_TOKEN_REVOKED');

    await assert.rejects(manufacture(t.platform.url, `iotopia_di_${randomBytes(32).toString('base64url')}`), refusedWithCode1);
    assert.equal((await refusals(t)).at(-1)?.details['reason'], 'ERR_DI_TOKEN_UNKNOWN');
  });

  test('ten DI runs at once with a token good for three devices: exactly three are made', async () => {
    const token = await newToken({ maxDevices: 3 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => manufacture(t.platform.url, token.secret)));
    const made = results.filter((r) => r.status === 'fulfilled');
    assert.equal(made.length, 3);
    for (const r of results) if (r.status === 'rejected') refusedWithCode1(r.reason);
    assert.equal((await t.platform.store.diTokens.get(token.id))?.used, 3);
  });

  test('the client sends the DI token on DI.AppStart only; DI.SetHMAC carries the session token', async () => {
    const token = await newToken({ maxDevices: 1 });
    const seen: { msgType: string; authorization: string | null }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      seen.push({ msgType: String(input).split('/').at(-1) ?? '', authorization: headers.get('authorization') });
      return fetch(input, init);
    };
    const { privateKey } = await generateKeyPair('secp256r1');
    await runDi(
      t.platform.url,
      { random, deviceKey: privateKey, serialNumber: 'HDR', model: 'x' },
      { diToken: token.secret, fetch: recording },
    );
    assert.deepEqual(
      seen.map((x) => x.msgType),
      [String(MsgType.DI_AppStart), String(MsgType.DI_SetHMAC)],
    );
    assert.equal(seen[0]?.authorization, `Bearer ${token.secret}`);
    assert.match(seen[1]?.authorization ?? '', /^Bearer /);
    assert.ok(!seen[1]?.authorization?.includes(token.secret), 'DI.SetHMAC does not carry the DI token');
  });

  test('a session token sent on DI.AppStart is no DI credential: still refused', async () => {
    await assert.rejects(manufacture(t.platform.url, randomBytes(32).toString('base64url')), refusedWithCode1);
    assert.equal((await refusals(t)).at(-1)?.details['reason'], 'ERR_DI_NOT_AUTHORISED');
  });
});

describe('DI on a loopback-only server (the quick start)', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform('iotopia-diauth-lo-');
  });
  after(() => t.close());

  test('needs no credential, records loopback, and auto-owner is on by default', async () => {
    const c = await manufacture(t.platform.url);
    assert.equal((await t.platform.store.vouchers.get('manufacturer', c.guid))?.diAuthorisedBy, 'loopback');
    assert.deepEqual(t.platform.manufacturing, { loopbackOnly: true, autoOwner: true });
    assert.ok(await t.platform.store.vouchers.get('owner', c.guid), 'auto-owner took the device');
  });

  test('a bad DI token is refused even here: a credential presented is checked, not ignored', async () => {
    await assert.rejects(manufacture(t.platform.url, 'iotopia_di_nope'), refusedWithCode1);
  });
});

test('auto-owner is off by default on a server that is not loopback-only', async () => {
  const t = await startTestPlatform('iotopia-diauth-ao-', {}, { loopbackOnly: false });
  try {
    assert.deepEqual(t.platform.manufacturing, { loopbackOnly: false, autoOwner: false });
    const token = await createDiToken(t.platform.store, { name: 'line' }, { actor: 'test', clock: () => new Date() });
    const c = await manufacture(t.platform.url, token.secret);
    assert.equal(await t.platform.store.vouchers.get('owner', c.guid), undefined);
  } finally {
    await t.close();
  }
});

test('two replicas on one PostgreSQL database: ten DI runs split between them with a three-device token make exactly three', {
  skip: PG_SKIP,
}, async () => {
  const pair = await startReplicaPair('iotopia-diauth-pg-', { autoOwner: false });
  try {
    // On loopback too, a presented token is what authorises, and it is spent.
    const token = await createDiToken(pair.a.store, { name: 'shared', maxDevices: 3 }, { actor: 'test', clock: () => new Date() });
    const urls = [pair.a.url, pair.b.url];
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => manufacture(urls[i % 2] as string, token.secret)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    for (const r of results) if (r.status === 'rejected') refusedWithCode1(r.reason);
    assert.equal((await pair.b.store.diTokens.get(token.id))?.used, 3);
  } finally {
    await pair.close();
  }
});
