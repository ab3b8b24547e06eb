import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import type { PrivateKeyLike } from '../../../src/crypto/private-key-handle.ts';
import { runTo0 } from '../../../src/fdo/client/flows.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { MemoryOwnerKeyRing } from '../../../src/fdo/protocol/memory-stores.ts';
import { guidFromText } from '../../../src/fdo/types/guid.ts';
import { publicKeyFingerprint } from '../../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import type { Platform } from '../../../src/server/platform/platform.ts';
import { SETTINGS_CACHE_MS } from '../../../src/store/sql/settings-cache.ts';
import { PG_SKIP, startReplicaPair } from '../../helpers/platform.ts';
import { selfMadeVoucher } from '../../helpers/self-made-voucher.ts';
import { type ApiWorld, bearer, manufacture, startApiWorld } from './world.ts';

const pem = (k: KeyObject) => createPublicKey(k).export({ format: 'pem', type: 'spki' }).toString();

/** A new device of `platform`, its voucher extended from the manufacturer to `owner`. */
async function voucherFor(platform: Platform, owner: KeyObject): Promise<{ guid: Uint8Array; voucher: Uint8Array }> {
  const guid = guidFromText(await manufacture(platform));
  const record = await platform.store.vouchers.get('manufacturer', guid);
  assert.ok(record);
  const mfg = platform.keys.manufacturer[0]?.privateKey;
  assert.ok(mfg);
  return { guid, voucher: encodeVoucher(extendVoucher(parseVoucher(record.voucher), { ownerPrivateKey: mfg, nextOwner: owner })) };
}

/** TO0 over HTTP against `url`; resolves with the granted seconds or the spec code the rendezvous answered with. */
async function to0(
  url: string,
  owner: KeyObject,
  voucher: Uint8Array,
): Promise<{ waitSeconds: number } | { peerCode: number; prev: number }> {
  try {
    return await runTo0(
      url,
      { keyRing: new MemoryOwnerKeyRing([owner]) },
      { voucher, rvTo2Addr: [{ ip: '127.0.0.1', port: 8080, protocol: TransportProtocol.ProtHTTP }], waitSeconds: 3600 },
    );
  } catch (e) {
    if (e instanceof FdoPeerError) return { peerCode: e.peerCode, prev: e.prevMsgType };
    throw e;
  }
}

const REFUSED = { peerCode: ErrorCode.INVALID_OWNERSHIP_VOUCHER, prev: MsgType.TO0_OwnerSign };

describe('management API: the rendezvous acceptance policy decides TO0', () => {
  let w: ApiWorld;
  let stranger: KeyObject;
  let ownOwner: KeyObject;
  before(async () => {
    w = await startApiWorld();
    stranger = (await generateKeyPair('secp256r1')).privateKey;
    ownOwner = (w.platform.keys.owner[0]?.privateKey as KeyObject | undefined) ?? assert.fail('no owner key');
  });
  after(() => w.close());

  const put = (token: string, payload: object) =>
    w.platform.app.inject({ method: 'PUT', url: '/api/v1/rendezvous/policy', headers: bearer(token), payload });
  const get = (token: string) => w.platform.app.inject({ method: 'GET', url: '/api/v1/rendezvous/policy', headers: bearer(token) });

  test("by default this server's own keys: its vouchers for any owner are accepted, a stranger's self-made voucher is refused", async () => {
    const fps = (keys: { privateKey: PrivateKeyLike }[]) => keys.map((k) => publicKeyFingerprint(k.privateKey));
    assert.deepEqual((await get(w.tokens.rendezvous)).json(), {
      mode: 'trusted',
      manufacturerKeys: fps([...w.platform.keys.manufacturer, ...w.platform.keys.owner]),
      ownerKeys: fps(w.platform.keys.owner),
      source: 'default',
    });
    const { guid, voucher } = await voucherFor(w.platform, stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, voucher), { waitSeconds: 3600 }, 'made here, sold to anyone');
    assert.ok(await w.platform.store.rendezvous.get(guid));
    const selfMade = await selfMadeVoucher(stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, selfMade.voucher), REFUSED, "a stranger's own manufacturer key");
    assert.equal(await w.platform.store.rendezvous.get(selfMade.guid), undefined, 'nothing registered');
  });

  test('trusted owner keys: an unknown owner is refused with INVALID_OWNERSHIP_VOUCHER, a trusted one accepted', async () => {
    const r = await put(w.tokens.rendezvous, { mode: 'trusted', ownerKeys: [pem(ownOwner)] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { mode: 'trusted', manufacturerKeys: [], ownerKeys: [publicKeyFingerprint(ownOwner)], source: 'stored' });
    assert.deepEqual((await get(w.tokens.admin)).json(), r.json());

    const foreign = await voucherFor(w.platform, stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, foreign.voucher), REFUSED);
    assert.equal(await w.platform.store.rendezvous.get(foreign.guid), undefined, 'nothing registered');

    const own = await voucherFor(w.platform, ownOwner);
    assert.deepEqual(await to0(w.platform.url, ownOwner, own.voucher), { waitSeconds: 3600 });
  });

  test('trusted manufacturer keys: any owner of a voucher from a trusted maker is accepted', async () => {
    const mfg = w.platform.keys.manufacturer[0]?.privateKey ?? assert.fail('no manufacturer key');
    const other = (await generateKeyPair('secp256r1')).privateKey;
    // Fingerprints may be written with colons and in upper case.
    const colons = publicKeyFingerprint(other)
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:');
    const r = await put(w.tokens.rendezvous, { mode: 'trusted', manufacturerKeys: [colons] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { mode: 'trusted', manufacturerKeys: [publicKeyFingerprint(other)], ownerKeys: [], source: 'stored' });
    const v = await voucherFor(w.platform, stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, v.voucher), REFUSED, 'this server’s maker key is not on the list');
    await put(w.tokens.rendezvous, { mode: 'trusted', manufacturerKeys: [publicKeyFingerprint(mfg)] });
    assert.deepEqual(await to0(w.platform.url, stranger, v.voucher), { waitSeconds: 3600 });
  });

  test('open (opt-in): the stranger is accepted; reset: the default applies again; every change is in the audit log', async () => {
    assert.equal((await put(w.tokens.admin, { mode: 'open' })).statusCode, 200);
    const v = await selfMadeVoucher(stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, v.voucher), { waitSeconds: 3600 });
    const reset = await w.platform.app.inject({ method: 'DELETE', url: '/api/v1/rendezvous/policy', headers: bearer(w.tokens.rendezvous) });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal((reset.json() as { source: string }).source, 'default');
    assert.deepEqual(await to0(w.platform.url, stranger, (await selfMadeVoucher(stranger)).voucher), REFUSED);
    const audit = await w.platform.app.inject({
      method: 'GET',
      url: '/api/v1/audit?subject=setting:rendezvous/acceptance',
      headers: bearer(w.tokens.auditor),
    });
    const items = (audit.json() as { items: { action: string; actor: string; details: { mode?: string } }[] }).items;
    assert.deepEqual(
      items.map((a) => [a.action, a.details.mode]),
      [
        ['rendezvous.policy.set', 'trusted'],
        ['rendezvous.policy.set', 'trusted'],
        ['rendezvous.policy.set', 'trusted'],
        ['rendezvous.policy.set', 'open'],
        ['rendezvous.policy.reset', undefined],
      ],
    );
    const ids = (await w.platform.store.apiTokens.list({ limit: 100 })).items;
    assert.equal(items[0]?.actor, `token:${ids.find((t) => t.name === 'rendezvous')?.id}`);
  });

  test('bad policies are refused naming the field; other roles may not read or set it', async () => {
    const cases: [object, string][] = [
      [{}, 'mode'],
      [{ mode: 'closed' }, 'mode'],
      [{ mode: 'open', ownerKeys: [] }, 'mode'],
      [{ mode: 'trusted' }, 'manufacturerKeys'],
      [{ mode: 'trusted', ownerKeys: ['abc'] }, 'ownerKeys[0]'],
      [{ mode: 'trusted', ownerKeys: 'ab'.repeat(32) }, 'ownerKeys'],
      [{ mode: 'trusted', manufacturerKeys: ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'] }, 'manufacturerKeys[0]'],
      [{ mode: 'trusted', ownerKeys: Array.from({ length: 501 }, (_, i) => i.toString(16).padStart(64, '0')) }, 'ownerKeys'],
      [{ mode: 'open', extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const r = await put(w.tokens.rendezvous, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload).slice(0, 80)}: ${r.body}`);
      assert.equal((r.json() as { field: string }).field, field, JSON.stringify(payload).slice(0, 80));
    }
    assert.equal((await get(w.tokens.rendezvous)).json().source, 'default', 'nothing stored by the refused requests');
    // A policy edited outside the API fails closed: TO0 is refused, GET names the problem.
    await w.platform.store.settings.put('rendezvous', 'acceptance', { mode: 'trusted', ownerKeys: ['not a key'] });
    const corrupt = await get(w.tokens.rendezvous);
    assert.equal(corrupt.statusCode, 500);
    assert.equal((corrupt.json() as { code: string }).code, 'ERR_API_SETTING_CORRUPT');
    const v = await voucherFor(w.platform, stranger);
    assert.deepEqual(await to0(w.platform.url, stranger, v.voucher), {
      peerCode: ErrorCode.INTERNAL_SERVER_ERROR,
      prev: MsgType.TO0_OwnerSign,
    });
    assert.equal((await put(w.tokens.rendezvous, { mode: 'open' })).statusCode, 200);
    for (const role of ['manufacturer', 'owner', 'auditor'] as const) {
      assert.equal((await get(w.tokens[role])).statusCode, 403, role);
      assert.equal((await put(w.tokens[role], { mode: 'open' })).statusCode, 403, role);
      const del = await w.platform.app.inject({ method: 'DELETE', url: '/api/v1/rendezvous/policy', headers: bearer(w.tokens[role]) });
      assert.equal(del.statusCode, 403, role);
    }
  });
});

test('on PostgreSQL, a policy set through one server applies to TO0 on another sharing the database', { skip: PG_SKIP }, async () => {
  const { a, b, close } = await startReplicaPair('iotopia-policy-', { autoOwner: false });
  try {
    const admin = a.firstAdminToken ?? assert.fail('no admin token');
    const stranger = (await generateKeyPair('secp256r1')).privateKey;
    const own = (b.keys.owner[0]?.privateKey as KeyObject | undefined) ?? assert.fail('no owner key');
    const set = await a.app.inject({
      method: 'PUT',
      url: '/api/v1/rendezvous/policy',
      headers: bearer(admin),
      payload: { mode: 'trusted', ownerKeys: [publicKeyFingerprint(own)] },
    });
    assert.equal(set.statusCode, 200, set.body);
    // Another replica's setting shows within the settings cache's bound (docs/storage.md).
    await sleep(SETTINGS_CACHE_MS);
    assert.deepEqual(await to0(b.url, stranger, (await voucherFor(a, stranger)).voucher), REFUSED);
    assert.deepEqual(await to0(b.url, own, (await voucherFor(a, own)).voucher), { waitSeconds: 3600 });
    await a.app.inject({ method: 'PUT', url: '/api/v1/rendezvous/policy', headers: bearer(admin), payload: { mode: 'open' } });
    await sleep(SETTINGS_CACHE_MS);
    assert.deepEqual(await to0(b.url, stranger, (await selfMadeVoucher(stranger)).voucher), { waitSeconds: 3600 });
  } finally {
    await close();
  }
});
