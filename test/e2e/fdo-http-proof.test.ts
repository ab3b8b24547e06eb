/**
 * The platform proof over HTTPS on loopback: servers started as `iotopia up --tls` starts them
 * (startPlatform, all roles, SQLite in a data directory, a certificate from each server's platform
 * TLS CA), every FDO message and management call a real HTTPS request to 127.0.0.1; the device
 * trusts the two servers' CAs and nothing else, server B trusts A's CA for its TO0 to A's rendezvous
 * (outbound-tls-ca). Auto-owner is off, so the voucher goes from manufacturer to owner
 * through the management API as it would between two companies. Then a resale to a second owner
 * server, and the refusals a peer sees.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, type KeyPairType } from '../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { fetchTrusting } from '../../src/fdo/client/tls-fetch.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { samePublicKey } from '../../src/fdo/types/public-key.ts';
import { voucherOwner } from '../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { testConfig } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { tempDirs } from '../helpers/temp.ts';

const DEVMOD = { os: 'linux', arch: 'x86_64', version: 'proof', device: 'http proof', bin: 'x86_64', sep: ';' };
const SUITES = [
  {
    key: 'secp256r1',
    pkType: PublicKeyType.SECP256R1,
    kexSuite: KexSuite.ECDH256,
    cipherSuite: CipherSuite.A128GCM,
    name: 'ec256 ECDH256 A128GCM',
  },
  {
    key: 'secp384r1',
    pkType: PublicKeyType.SECP384R1,
    kexSuite: KexSuite.ECDH384,
    cipherSuite: CipherSuite.A256GCM,
    name: 'ec384 ECDH384 A256GCM',
  },
] as const;
type Suite = (typeof SUITES)[number];

const dataDir = tempDirs('iotopia-proof-');
async function up(name: string, settings: { outboundTlsCa?: string } = {}): Promise<Platform> {
  const p = await startPlatform(testConfig({ dataDir: dataDir(`${name}-`), autoOwner: false, tls: true, ...settings }));
  assert.match(p.url, /^https:\/\//);
  return p;
}

/** The CA (PEM) of each server's platform TLS CA, and what the device and the test trust: both of them. */
const caOf = (p: Platform) => readFileSync(p.tls?.caFile ?? assert.fail('the platform wrote no CA file'), 'utf8');
let trusted = '';
let trustingFetch: typeof fetch = () => Promise.reject(new Error('no CA yet'));

/** A management API call over HTTPS with the platform's first admin token (or `token`). */
async function api(p: Platform, method: string, path: string, body?: string | object, token = p.firstAdminToken): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: string | undefined;
  if (typeof body === 'string') {
    headers['content-type'] = 'application/x-pem-file';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return trustingFetch(`${p.url}/api/v1${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
}

async function ok<T>(r: Response, status = 200): Promise<T> {
  const text = await r.text();
  assert.equal(r.status, status, text);
  return JSON.parse(text) as T;
}

const ownerKeyPem = (p: Platform, type: KeyPairType): string => {
  const k = p.keys.owner.find((o) => o.type === type)?.privateKey;
  assert.ok(k !== undefined, `the platform has a ${type} owner key`);
  return publicKeyOf(k).export({ format: 'pem', type: 'spki' }) as string;
};

interface Device {
  credential: DeviceCredential;
  deviceKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  suite: Suite;
}

async function manufacture(p: Platform, suite: Suite, serial: string): Promise<Device> {
  const { privateKey } = await generateKeyPair(suite.key);
  const credential = await runDi(
    p.url,
    { random, deviceKey: privateKey, serialNumber: serial, model: 'http proof', keyType: suite.pkType },
    { tlsCa: trusted },
  );
  return { credential, deviceKey: privateKey, suite };
}

const onboard = (d: Device, credential: DeviceCredential = d.credential, targets: { ownerUrls?: string[] } = {}) =>
  runOnboard(credential, targets, {
    tlsCa: trusted,
    deviceKey: d.deviceKey,
    to2: { kexSuite: d.suite.kexSuite, cipherSuite: d.suite.cipherSuite, random, serviceInfo: { devmod: DEVMOD, modules: [] } },
  });

/** The sale through the management API: manufacturer extends to the owner's key, the owner imports it. */
async function sell(maker: Platform, owner: Platform, d: Device): Promise<string> {
  const g = guidToHex(d.credential.guid);
  const { pem } = await ok<{ pem: string }>(
    await api(maker, 'POST', `/manufacturer/vouchers/${g}/extend`, ownerKeyPem(owner, d.suite.key)),
  );
  const imported = await ok<{ state: string }>(await api(owner, 'POST', '/owner/vouchers', pem), 201);
  assert.equal(imported.state, 'imported');
  return g;
}

describe('FDO over HTTPS on loopback: iotopia up --tls, DI, voucher transfer through the management API, TO0, TO1, TO2', () => {
  let a: Platform;
  let b: Platform;
  before(async () => {
    a = await up('a');
    // B's TO0 goes to A's rendezvous over https: B trusts A's platform TLS CA for it.
    b = await up('b', { outboundTlsCa: a.tls?.caFile as string });
    trusted = `${caOf(a)}${caOf(b)}`;
    trustingFetch = fetchTrusting(trusted);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  for (const suite of SUITES) {
    test(`${suite.name}: onboards to the owner it was sold to, then is resold to a second owner server and onboards there`, async () => {
      const device = await manufacture(a, suite, `PROOF-${suite.key}`);
      const g = await sell(a, a, device);
      // TO0 with the rendezvous the voucher names (this server), through the API.
      const registered = await ok<{ state: string }>(await api(a, 'POST', `/owner/vouchers/${g}/register`));
      assert.equal(registered.state, 'registered');

      // The device knows only its credential: TO1 at the rendezvous it names, then TO2 where that points.
      const first = await onboard(device);
      assert.equal(first.ownerUrl.replace(/\/$/, ''), a.url);
      assert.equal(first.to2.reused, false);
      const r1 = first.to2.credential;
      const row = await a.store.devices.get(device.credential.guid);
      assert.equal(row?.state, 'onboarded');
      assert.deepEqual(row?.replacementGuid, r1.guid);
      const replacement = await a.store.vouchers.get('owner', r1.guid);
      assert.equal(replacement?.state, 'onboarded');

      // Resale through A's owner API: A extends the device's current voucher (the replacement R1,
      // named here by the original GUID) to B's key; B imports it through its API and registers it
      // with the rendezvous the voucher names, which is A's, over HTTPS.
      const resale = await api(a, 'POST', `/owner/vouchers/${g}/resell`, ownerKeyPem(b, suite.key));
      const resold = await resale.text();
      assert.equal(resale.status, 200, resold);
      assert.equal(guidToHex(parseVoucher(resold).header.guid), guidToHex(r1.guid), 'the replacement voucher is handed on');
      const bOwner = b.keys.owner.find((k) => k.type === suite.key)?.privateKey;
      assert.ok(bOwner !== undefined && samePublicKey(voucherOwner(parseVoucher(resold)), bOwner), 'the voucher ends at B’s key');
      const r1Hex = guidToHex(r1.guid);
      assert.equal((await ok<{ state: string }>(await api(b, 'POST', '/owner/vouchers', resold), 201)).state, 'imported');
      assert.equal((await ok<{ state: string }>(await api(b, 'POST', `/owner/vouchers/${r1Hex}/register`))).state, 'registered');
      assert.ok(await a.store.rendezvous.get(r1.guid), 'B registered at A’s rendezvous');
      assert.equal(await b.store.rendezvous.get(r1.guid), undefined, 'not at its own');

      const second = await onboard(device, r1);
      assert.equal(second.ownerUrl.replace(/\/$/, ''), b.url, 'TO1 at A sent the device to B');
      const r2 = second.to2.credential;
      assert.notEqual(guidToHex(r2.guid), r1Hex);
      const atB = await b.store.devices.get(r1.guid);
      assert.equal(atB?.state, 'onboarded');
      assert.deepEqual(atB?.replacementGuid, r2.guid);
      // A handed the device on: it no longer offers R1 nor the original voucher in TO2.
      assert.equal((await a.store.vouchers.get('owner', r1.guid))?.state, 'resold');
      assert.equal((await a.store.vouchers.get('owner', device.credential.guid))?.state, 'resold');
      await assert.rejects(onboard(device, r1, { ownerUrls: [a.url] }), { peerCode: 6 });
    });
  }

  test('a TO2.Done2 lost on the way after the owner committed: the device runs TO2 again on its old credential and onboards (ADR 0009)', async () => {
    const suite = SUITES[0];
    const device = await manufacture(a, suite, 'PROOF-LOST-DONE2');
    const g = await sell(a, a, device);
    await ok(await api(a, 'POST', `/owner/vouchers/${g}/register`));
    // The reply to TO2.Done (TO2.Done2) never arrives: the server handled the request, the connection dropped.
    const losing = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await trustingFetch(input, init);
      if (String(input).endsWith(`/msg/${MsgType.TO2_Done}`)) {
        await res.arrayBuffer();
        throw new TypeError('fetch failed: connection reset');
      }
      return res;
    }) as typeof fetch;
    await assert.rejects(
      runOnboard(
        device.credential,
        {},
        {
          fetch: losing,
          deviceKey: device.deviceKey,
          to2: { kexSuite: suite.kexSuite, cipherSuite: suite.cipherSuite, random, serviceInfo: { devmod: DEVMOD, modules: [] } },
        },
      ),
    );
    const lost = (await a.store.devices.get(device.credential.guid))?.replacementGuid;
    assert.ok(lost !== undefined, 'the owner committed the onboarding before TO2.Done2');

    const retry = await onboard(device);
    assert.notEqual(guidToHex(retry.to2.credential.guid), guidToHex(lost));
    assert.deepEqual((await a.store.devices.get(device.credential.guid))?.replacementGuid, retry.to2.credential.guid);
    assert.equal((await a.store.vouchers.get('owner', lost))?.state, 'replaced', 'the replacement the device never took');
    // Back on its new credential (straight to the owner), the device retires the original voucher.
    await onboard(device, retry.to2.credential, { ownerUrls: [a.url] });
    assert.equal((await a.store.vouchers.get('owner', device.credential.guid))?.state, 'replaced');
    await assert.rejects(onboard(device, device.credential, { ownerUrls: [a.url] }), {
      code: 'ERR_FDO_PEER_ERROR',
      peerCode: 6,
      prevMsgType: MsgType.TO2_HelloDevice,
    });
  });

  test('refusals: an unknown device, a voucher that was never registered, a revoked API token', async () => {
    const suite = SUITES[0];
    // Unknown device: a GUID no server has seen, at the rendezvous and at the owner.
    const made = await manufacture(a, suite, 'PROOF-UNKNOWN');
    const stranger = { ...made, credential: { ...made.credential, guid: random(16) } };
    await assert.rejects(onboard(stranger), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6, prevMsgType: MsgType.TO1_HelloRV });
    await assert.rejects(onboard(stranger, stranger.credential, { ownerUrls: [a.url] }), {
      code: 'ERR_FDO_PEER_ERROR',
      peerCode: 6,
      prevMsgType: MsgType.TO2_HelloDevice,
    });

    // Imported but never registered (no TO0): TO1 finds nothing, though the owner would know it.
    const unregistered = await manufacture(a, suite, 'PROOF-UNREGISTERED');
    await sell(a, a, unregistered);
    await assert.rejects(onboard(unregistered), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6, prevMsgType: MsgType.TO1_HelloRV });

    // A revoked API token: 401 problem details, the import not done.
    const made2 = await manufacture(a, suite, 'PROOF-REVOKED');
    const token = await ok<{ id: string; secret: string }>(await api(a, 'POST', '/tokens', { name: 'proof', roles: ['owner'] }), 201);
    assert.equal((await api(a, 'GET', '/devices', undefined, token.secret)).status, 200);
    await ok(await api(a, 'POST', `/tokens/${token.id}/revoke`));
    const { pem } = await ok<{ pem: string }>(
      await api(a, 'POST', `/manufacturer/vouchers/${guidToHex(made2.credential.guid)}/extend`, ownerKeyPem(a, suite.key)),
    );
    const refused = await api(a, 'POST', '/owner/vouchers', pem, token.secret);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await refused.json()) as { status: number; code: string; title: string };
    assert.equal(problem.status, 401);
    assert.equal(problem.code, 'ERR_API_TOKEN_REVOKED');
    assert.equal(await a.store.vouchers.get('owner', made2.credential.guid), undefined);
  });
});
