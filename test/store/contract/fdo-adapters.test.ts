/**
 * The FDO store ports on a real store: DI, the sale, TO0, TO1 and TO2 run over the role handlers
 * with every server-side session kept in the sessions repository, TO2's messages alternating
 * between two owner handler instances (replicas that share nothing but the store).
 */
import assert from 'node:assert/strict';
import { type KeyObject, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { CipherSuite, KexSuite, PublicKeyEncoding, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../../src/fdo/protocol/di-manufacturer.ts';
import type { ClientStep, ProtocolMessage, ServerStep, FdoProtocol as SessionProtocol } from '../../../src/fdo/protocol/ports.ts';
import { createTo0Owner } from '../../../src/fdo/protocol/to0-owner.ts';
import { createTo0Rendezvous } from '../../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Device } from '../../../src/fdo/protocol/to1-device.ts';
import { createTo1Rendezvous } from '../../../src/fdo/protocol/to1-rendezvous.ts';
import { createTo2DeviceClient } from '../../../src/fdo/protocol/to2-device.ts';
import { createTo2Owner } from '../../../src/fdo/protocol/to2-owner.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { storeManufacturerVoucherStore } from '../../../src/onboarding/manufacturer-vouchers.ts';
import { storeOwnerKeyRing } from '../../../src/onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../../src/onboarding/owner-vouchers.ts';
import { storeRendezvousStore } from '../../../src/onboarding/rendezvous-registrations.ts';
import { recordTo0Success } from '../../../src/onboarding/to0-status.ts';
import { putKeyPair } from '../../../src/platform/key-records.ts';
import type { Store } from '../../../src/store/store.ts';
import { DEVMOD, fixedClock, RV_INFO } from '../../fdo/e2e/kit.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { forEachDialect } from './dialects.ts';
import { withStore } from './shared.ts';

type Handler<S> = (state: S | undefined, m: ProtocolMessage) => Promise<ServerStep<S>>;

/** What a server replica does per message: load the session, run the role, store what it returned. */
async function serve<S>(
  store: Store,
  token: string,
  protocol: SessionProtocol,
  handler: Handler<S>,
  m: ProtocolMessage,
): Promise<ProtocolMessage> {
  const session = await store.sessions.get(token);
  const step = await handler(session?.state as S | undefined, m);
  const expiresAt = new Date(Date.now() + 60_000);
  if (step.state === null) {
    if (session !== undefined) assert.equal(await store.sessions.delete(token, session.version), true);
  } else if (session === undefined) {
    await store.sessions.create(token, { role: 'owner', protocol, state: step.state, expiresAt });
  } else {
    assert.equal(await store.sessions.update(token, session.version, step.state, expiresAt), true);
  }
  return step.reply;
}

async function run<CS, R>(
  first: ClientStep<CS, R>,
  receive: (s: CS, m: ProtocolMessage) => Promise<ClientStep<CS, R>>,
  send: (m: ProtocolMessage, n: number) => Promise<ProtocolMessage>,
): Promise<R> {
  let step = first;
  for (let n = 0; n < 100; n++) {
    if (step.result !== undefined) return step.result;
    const { state, request } = step as { state: CS; request: ProtocolMessage };
    step = await receive(JSON.parse(JSON.stringify(state)) as CS, await send(request, n));
  }
  throw new Error('the protocol did not finish');
}

/** DI, the sale and TO0 over the store, then TO1: everything before a device's TO2. */
async function beforeTo2(store: Store, serial: string) {
  const random = seededRandom(`store-journey-${serial}`);
  const deviceKeys = await cachedKeys('secp256r1', 1);
  const ca = await cachedKeys('secp384r1', 7);
  const caCert = createCertificate({
    subject: { commonName: 'IoTopia store test CA' },
    publicKey: ca.publicKey,
    signer: { privateKey: ca.privateKey },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2054-01-01T00:00:00Z'),
    ca: true,
  });
  const mfgKeys = await cachedKeys('secp256r1', 50);
  const ownerKeys = await cachedKeys('secp256r1', 20);
  if ((await store.keys.findByPublicKey(new Uint8Array(ownerKeys.publicKey.export({ format: 'der', type: 'spki' })))) === undefined) {
    await putKeyPair(store.keys, { name: 'owner', type: 'secp256r1', privateKey: ownerKeys.privateKey });
  }

  const mfgStore = storeManufacturerVoucherStore(store);
  const manufacturer = createDiManufacturer({
    random,
    clock: fixedClock,
    store: mfgStore,
    rvInfo: RV_INFO,
    deviceCa: { privateKey: ca.privateKey, chain: [caCert] },
    manufacturerKeys: [{ privateKey: mfgKeys.privateKey }],
  });
  const diDevice = createDiDevice({
    random,
    deviceKey: deviceKeys.privateKey,
    serialNumber: serial,
    model: 'IoTopia store test',
    keyType: PublicKeyType.SECP256R1,
  });
  const diToken = randomBytes(16).toString('hex');
  const credential = await run(diDevice.start(), diDevice.receive, (m) => serve(store, diToken, 'di', manufacturer, m));
  assert.equal(await store.sessions.get(diToken), undefined, 'a finished session is gone');
  const made = await store.vouchers.get('manufacturer', credential.guid);
  assert.equal(made?.state, 'created');
  assert.equal((await store.devices.get(credential.guid))?.state, 'manufactured');

  // The sale: the manufacturer extends its voucher to the owner's key.
  const sold = encodeVoucher(
    extendVoucher(parseVoucher((await mfgStore.getVoucher(credential.guid)) as Uint8Array), {
      ownerPrivateKey: mfgKeys.privateKey,
      nextOwner: publicKeyFromKeyObject(ownerKeys.publicKey, { encoding: PublicKeyEncoding.X509 }),
    }),
  );
  await store.vouchers.setState('manufacturer', credential.guid, 'extended');
  const ownerVouchers = storeOwnerVoucherStore(store);
  await ownerVouchers.add(credential.guid, sold);
  const ring = storeOwnerKeyRing(store);

  const rendezvous = storeRendezvousStore(store);
  const to0Owner = createTo0Owner({ keyRing: ring });
  const to0Rv = createTo0Rendezvous({ random, clock: fixedClock, store: rendezvous });
  const to0Token = randomBytes(16).toString('hex');
  const to0 = await run(
    to0Owner.start({ voucher: sold, rvTo2Addr: [{ dns: 'owner.example.com', port: 8043, protocol: TransportProtocol.ProtHTTP }] }),
    to0Owner.receive,
    (m) => serve(store, to0Token, 'to0', to0Rv, m),
  );
  const registration = await store.rendezvous.get(credential.guid);
  assert.equal(registration?.expiresAt.getTime(), fixedClock().getTime() + to0.waitSeconds * 1000);
  await recordTo0Success(store, credential.guid, {
    at: fixedClock(),
    waitSeconds: to0.waitSeconds,
    rendezvous: 'in-process',
    actor: 'owner',
  });
  assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'registered');
  assert.deepEqual((await store.vouchers.get('owner', credential.guid))?.registeredUntil, registration.expiresAt);
  assert.equal((await store.devices.get(credential.guid))?.state, 'registered');

  const to1Device = createTo1Device({ credential, deviceKey: deviceKeys.privateKey });
  const to1Rv = createTo1Rendezvous({ random, clock: fixedClock, store: rendezvous });
  const to1Token = randomBytes(16).toString('hex');
  const to1 = await run(to1Device.start(), to1Device.receive, (m) => serve(store, to1Token, 'to1', to1Rv, m));

  const replicas = [0, 1].map(() => createTo2Owner({ vouchers: ownerVouchers, keys: ring, random, clock: fixedClock }));
  /** One TO2 run, its messages alternating between the two replicas; `lose` drops the reply to that message type. */
  const to2 = async (c: DeviceCredential, to1d: Uint8Array | undefined, lose?: number) => {
    const device = createTo2DeviceClient({
      kexSuite: KexSuite.ECDH256,
      cipherSuite: CipherSuite.A128GCM,
      random,
      serviceInfo: { devmod: DEVMOD, modules: [] },
    });
    const token = randomBytes(16).toString('hex');
    const result = await run(await device.start(c, to1d), device.receive, async (m, n) => {
      const reply = await serve(store, token, 'to2', replicas[n % 2] as Handler<unknown>, m);
      if (m.msgType === lose) throw new Error('connection lost before the reply arrived');
      return reply;
    });
    assert.equal(await store.sessions.get(token), undefined);
    return result;
  };
  return { credential, to1, ownerVouchers, to2 };
}

const auditOf = async (store: Store, guid: Uint8Array) =>
  (await store.audit.list({ subject: guidToHex(guid) })).items.map((r) => `${r.actor}:${r.action}`);

function fdoAdapterContract(withStore: (fn: (store: Store) => Promise<void>) => Promise<void>): void {
  test('FDO ports: DI, sale, TO0, TO1 and TO2 (two replicas) over the store, each step audited', async () => {
    await withStore(async (store) => {
      const { credential, to1, ownerVouchers, to2 } = await beforeTo2(store, 'SN-STORE-1');
      const g = guidToHex(credential.guid);
      const result = await to2(credential, to1.to1d);
      assert.equal(result.reused, false);
      const newGuid = result.credential.guid;
      assert.notEqual(guidToHex(newGuid), g);

      // The device switches only on TO2.Done2, so the old voucher stays offered until it proves the new GUID.
      assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'onboarded');
      assert.equal((await store.vouchers.get('owner', newGuid))?.state, 'onboarded');
      assert.ok((await ownerVouchers.get(credential.guid)) !== undefined, 'offered until the device proves its replacement');
      const d = await store.devices.get(credential.guid);
      assert.equal(d?.state, 'onboarded');
      assert.deepEqual(d?.replacementGuid, newGuid);
      assert.deepEqual(await auditOf(store, credential.guid), [
        'manufacturer:voucher.created',
        'owner:voucher.imported',
        'rendezvous:rendezvous.registered',
        'owner:voucher.registered',
        'owner:device.onboarded',
      ]);

      // The device comes back on its new credential (rendezvous bypass): the replaced voucher retires for good.
      const again = await to2(result.credential, undefined);
      assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'replaced');
      assert.equal(await ownerVouchers.get(credential.guid), undefined, 'a retired voucher is not offered again');
      // One record follows the device through its GUIDs: the second TO2 updates it, no record for the replacement GUID.
      assert.equal(await store.devices.get(newGuid), undefined);
      assert.deepEqual((await store.devices.get(credential.guid))?.replacementGuid, again.credential.guid);
      for (const g of [newGuid, again.credential.guid])
        assert.deepEqual((await store.devices.getByReplacementGuid(g))?.guid, credential.guid);
      assert.deepEqual((await auditOf(store, credential.guid)).slice(5), ['owner:voucher.retired', 'owner:device.onboarded']);
      assert.equal((await store.audit.list({ subject: g })).items.at(-1)?.details.guid, guidToHex(newGuid));
      assert.deepEqual(await auditOf(store, newGuid), []);
      await assert.rejects(to2(credential, undefined), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });

      // A third TO2 whose TO2.Done2 is lost, under the second GUID: the retry still finds the one record and
      // supersedes the replacement never taken; proving the newest GUID retires the voucher its TO2 ran with.
      await assert.rejects(to2(again.credential, undefined, MsgType.TO2_Done), /connection lost/);
      const lost = (await store.devices.get(credential.guid))?.replacementGuid as Uint8Array;
      const retry = await to2(again.credential, undefined);
      assert.equal((await store.vouchers.get('owner', lost))?.state, 'replaced');
      assert.deepEqual((await store.devices.get(credential.guid))?.replacementGuid, retry.credential.guid);
      assert.equal((await store.devices.list()).items.length, 1, 'still one device record');
      assert.deepEqual(
        (await store.devices.listGuidLinks(credential.guid)).map((l) => [guidToHex(l.guid), guidToHex(l.ranWith)]),
        [
          [guidToHex(newGuid), g],
          [guidToHex(again.credential.guid), guidToHex(newGuid)],
          [guidToHex(lost), guidToHex(again.credential.guid)],
          [guidToHex(retry.credential.guid), guidToHex(again.credential.guid)],
        ],
      );
      assert.equal((await store.vouchers.get('owner', again.credential.guid))?.state, 'onboarded');
      await to2(retry.credential, undefined);
      assert.equal((await store.vouchers.get('owner', again.credential.guid))?.state, 'replaced');
      assert.equal((await store.vouchers.get('owner', newGuid))?.state, 'replaced');
    });
  });

  test('FDO ports: a TO2.Done2 lost after the owner committed; the device runs TO2 again on its old credential and onboards', async () => {
    await withStore(async (store) => {
      const { credential, to1, ownerVouchers, to2 } = await beforeTo2(store, 'SN-STORE-LOST');
      await assert.rejects(to2(credential, to1.to1d, MsgType.TO2_Done), /connection lost/);
      const first = (await store.devices.get(credential.guid))?.replacementGuid as Uint8Array;
      assert.equal((await store.devices.get(credential.guid))?.state, 'onboarded', 'the owner committed before TO2.Done2');
      assert.equal((await store.vouchers.get('owner', first))?.state, 'onboarded');

      // The device never saw TO2.Done2: it still holds its old credential and tries again.
      const retry = await to2(credential, to1.to1d);
      const second = retry.credential.guid;
      assert.notEqual(guidToHex(second), guidToHex(first));
      assert.deepEqual((await store.devices.get(credential.guid))?.replacementGuid, second);
      assert.equal((await store.vouchers.get('owner', first))?.state, 'replaced', 'the replacement the device never took');
      assert.equal(await ownerVouchers.get(first), undefined);
      assert.equal((await store.vouchers.get('owner', second))?.state, 'onboarded');
      assert.deepEqual(await auditOf(store, first), ['owner:voucher.superseded']);
      const onboardedRecords = (await store.audit.list({ subject: guidToHex(credential.guid) })).items.filter(
        (r) => r.action === 'device.onboarded',
      );
      assert.deepEqual(
        onboardedRecords.map((r) => [r.details.replacementGuid, r.details.superseded]),
        [
          [guidToHex(first), undefined],
          [guidToHex(second), guidToHex(first)],
        ],
      );
      // Only the credential the device holds now works, and proving it retires the original voucher.
      await to2(retry.credential, undefined);
      assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'replaced');
      await assert.rejects(to2(credential, to1.to1d), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });
    });
  });

  test('FDO ports: Credential Reuse keeps the voucher offered; a replacement under the same GUID replaces the bytes; unknown keys are undefined', async () => {
    await withStore(async (store) => {
      const owner = storeOwnerVoucherStore(store);
      const g = new Uint8Array(16).fill(5);
      await owner.add(g, Uint8Array.of(1));
      await owner.onboarded(g, { replacementGuid: g });
      assert.deepEqual(await owner.get(g), { guid: g, voucher: Uint8Array.of(1) });
      assert.equal((await store.vouchers.get('owner', g))?.state, 'onboarded');
      assert.deepEqual((await store.devices.get(g))?.replacementGuid, g);

      await owner.add(g, Uint8Array.of(2));
      assert.equal((await store.devices.get(g))?.state, 'owned', 'a resold device is owned again');
      await owner.onboarded(g, { replacementGuid: g, replacementVoucher: Uint8Array.of(3) });
      assert.deepEqual((await owner.get(g))?.voucher, Uint8Array.of(3));

      // A TO2 for a device this owner never recorded still ends with a device row.
      const stray = new Uint8Array(16).fill(6);
      await store.vouchers.put({ side: 'owner', guid: stray, voucher: Uint8Array.of(6), state: 'imported' });
      await owner.onboarded(stray, { replacementGuid: new Uint8Array(16).fill(7), replacementVoucher: Uint8Array.of(7) });
      assert.equal((await store.devices.get(stray))?.state, 'onboarded');

      const ring = storeOwnerKeyRing(store);
      const unknown = await cachedKeys('secp256r1', 99);
      assert.equal(await ring.privateKeyFor(unknown.publicKey), undefined);
      await putKeyPair(store.keys, { name: 'k', type: 'secp256r1', privateKey: unknown.privateKey });
      const found = (await ring.privateKeyFor(unknown.publicKey)) as KeyObject | undefined;
      assert.equal(found?.type, 'private');
      assert.deepEqual(found?.export({ format: 'jwk' }), unknown.privateKey.export({ format: 'jwk' }));
      assert.throws(() => putKeyPair(store.keys, { name: 'p', type: 'x', privateKey: unknown.publicKey }), TypeError);
    });
  });

  test('FDO ports: a resale hands on the current voucher with the earlier one still offered, and neither is offered or onboarded again', async () => {
    await withStore(async (store) => {
      const { credential, to1, ownerVouchers, to2 } = await beforeTo2(store, 'SN-STORE-RESALE');
      const first = await to2(credential, to1.to1d);
      const replacement = first.credential.guid;
      const extendedTo = Uint8Array.of(9, 9);
      let seen: Uint8Array | undefined;
      const left: string[] = [];
      // Named by the original GUID: the current voucher is the replacement TO2 gave.
      const resale = await ownerVouchers.resell(credential.guid, {
        extend(current) {
          seen = current.guid;
          return extendedTo;
        },
        details: { nextOwner: 'fingerprint' },
        async alsoIn(_r, guids) {
          left.push(...guids.map(guidToHex));
        },
      });
      assert.deepEqual(seen, replacement);
      assert.deepEqual(resale.extended, extendedTo);
      assert.deepEqual(resale.retired, [credential.guid]);
      assert.deepEqual(left, [guidToHex(replacement), guidToHex(credential.guid)]);
      assert.equal((await store.vouchers.get('owner', replacement))?.state, 'resold');
      assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'resold', 'the original, still offered until now');
      assert.equal(await ownerVouchers.get(replacement), undefined);
      assert.equal(await ownerVouchers.get(credential.guid), undefined);
      assert.deepEqual((await auditOf(store, credential.guid)).slice(-1), ['owner:voucher.retired']);
      assert.deepEqual((await auditOf(store, replacement)).slice(-1), ['owner:voucher.resold']);
      await assert.rejects(to2(first.credential, undefined), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });
      // A TO2 that fetched the voucher before the resale cannot record its end afterwards.
      const late = new Uint8Array(16).fill(0x33);
      await assert.rejects(ownerVouchers.onboarded(replacement, { replacementGuid: late, replacementVoucher: Uint8Array.of(3) }), {
        code: 'ERR_VOUCHER_TRANSITION',
      });
      assert.equal((await store.vouchers.get('owner', replacement))?.state, 'resold');
      assert.equal(await store.vouchers.get('owner', late), undefined);
      // Nor one on the original credential (a device whose TO2.Done2 was lost, ADR 0009).
      await assert.rejects(ownerVouchers.onboarded(credential.guid, { replacementGuid: late, replacementVoucher: Uint8Array.of(3) }), {
        code: 'ERR_VOUCHER_TRANSITION',
      });
      await assert.rejects(to2(credential, to1.to1d), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });
      assert.equal((await store.vouchers.get('owner', credential.guid))?.state, 'resold');

      // Resold already, by either GUID; unknown GUIDs are not found; a failing extension changes nothing.
      const extend = () => Uint8Array.of(1);
      await assert.rejects(ownerVouchers.resell(replacement, { extend }), { code: 'ERR_STORE_CONFLICT' });
      await assert.rejects(ownerVouchers.resell(credential.guid, { extend }), { code: 'ERR_STORE_CONFLICT' });
      await assert.rejects(ownerVouchers.resell(new Uint8Array(16).fill(0xee), { extend }), { code: 'ERR_STORE_NOT_FOUND' });
      const g = new Uint8Array(16).fill(0x21);
      await ownerVouchers.add(g, Uint8Array.of(1));
      const records = (await store.audit.list()).items.length;
      await assert.rejects(
        ownerVouchers.resell(g, {
          extend: () => {
            throw new Error('no key');
          },
        }),
        /no key/,
      );
      assert.equal((await store.vouchers.get('owner', g))?.state, 'imported');
      assert.equal((await store.audit.list()).items.length, records);

      // The conditional state change: only from the expected states.
      await assert.rejects(store.vouchers.setState('owner', g, 'resold', ['onboarded']), { code: 'ERR_STORE_CONFLICT' });
      await assert.rejects(store.vouchers.setState('owner', new Uint8Array(16).fill(0x22), 'resold', ['imported']), {
        code: 'ERR_STORE_NOT_FOUND',
      });
      await store.vouchers.setState('owner', g, 'resold', ['imported', 'registered']);
      assert.equal((await store.vouchers.get('owner', g))?.state, 'resold');
    });
  });

  test('FDO ports: a failing step inside onboarded() leaves voucher, device and audit as they were', async () => {
    await withStore(async (store) => {
      const owner = storeOwnerVoucherStore(store);
      const g = new Uint8Array(16).fill(1);
      await owner.add(g, Uint8Array.of(1, 2));
      const before = (await store.audit.list()).items.length;
      // Sabotage the device update: the audit log and voucher must not move either.
      await store.transaction(async (r) => {
        await r.vouchers.setState('owner', g, 'imported');
      });
      const broken: Store = {
        ...store,
        transaction: (fn) =>
          store.transaction((r) => fn({ ...r, devices: { ...r.devices, markOnboarded: () => Promise.reject(new Error('disk full')) } })),
      };
      await assert.rejects(
        storeOwnerVoucherStore(broken).onboarded(g, { replacementGuid: new Uint8Array(16).fill(2), replacementVoucher: Uint8Array.of(3) }),
        /disk full/,
      );
      assert.equal((await store.vouchers.get('owner', g))?.state, 'imported');
      assert.equal(await store.vouchers.get('owner', new Uint8Array(16).fill(2)), undefined);
      assert.equal((await store.devices.get(g))?.state, 'owned');
      assert.equal((await store.audit.list()).items.length, before);
    });
  });
}

forEachDialect((make) => fdoAdapterContract((fn) => withStore(make, fn)));
