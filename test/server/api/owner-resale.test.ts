/**
 * Resale from the owner side (POST /owner/vouchers/{guid}/resell): the current voucher is extended
 * to the next owner's key and handed on, and this owner stops offering and registering the device,
 * before and after an onboarding; refusals with stable codes; two resales racing, one wins.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../../src/crypto/private-key-handle.ts';
import { runDi, runOnboard } from '../../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../../src/fdo/constants/crypto.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { voucherOwner } from '../../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { storeOwnerVoucherStore } from '../../../src/onboarding/owner-vouchers.ts';
import { recordTo0Failure, recordTo0Success } from '../../../src/onboarding/to0-status.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from './owner-world.ts';

const DAY = 86_400_000;
type DeviceKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

for (const backend of BACKENDS) {
  describe(`owner-side resale (${backend.name})`, { skip: backend.skip }, () => {
    let world: OwnerWorld;
    let offsetMs = 0;
    let buyerPem: string;
    let buyerKey: DeviceKey;
    before(async () => {
      world = await startOwnerWorld(backend.name, { to0RefreshInterval: '0' }, { clock: () => new Date(Date.now() + offsetMs) });
      buyerKey = (await generateKeyPair('secp256r1')).privateKey;
      buyerPem = createPublicKey(buyerKey).export({ type: 'spki', format: 'pem' }).toString();
    });
    after(async () => {
      await world?.close();
    });

    const call = (
      method: 'GET' | 'POST',
      url: string,
      o: { payload?: string | object; token?: string; accept?: string; type?: string } = {},
    ) =>
      world.platform.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: {
          ...bearer(o.token ?? world.tokens.owner),
          ...(o.accept === undefined ? {} : { accept: o.accept }),
          ...(o.type === undefined ? {} : { 'content-type': o.type }),
        },
        ...(o.payload === undefined ? {} : { payload: o.payload }),
      });
    const ownerState = async (guid: Uint8Array) => (await world.platform.store.vouchers.get('owner', guid))?.state;
    const actions = async (guid: Uint8Array) =>
      (await world.platform.store.audit.list({ subject: guidToHex(guid) })).items.map((a) => a.action);

    /** DI here, the sale to this server's owner key through the API, the import and TO0. */
    async function bought(serial: string): Promise<{ credential: DeviceCredential; deviceKey: DeviceKey; guid: string }> {
      const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
      const credential = await runDi(world.platform.url, { random, deviceKey, serialNumber: serial, model: 'resale test' });
      const guid = guidToHex(credential.guid);
      const ownerKey = world.platform.keys.owner.find((k) => k.type === 'secp256r1')?.privateKey;
      assert.ok(ownerKey);
      const extended = await call('POST', `/manufacturer/vouchers/${guid}/extend`, {
        token: world.tokens.manufacturer,
        payload: { ownerKey: publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }).toString() },
      });
      assert.equal(extended.statusCode, 200, extended.body);
      assert.equal(
        (await call('POST', '/owner/vouchers', { payload: { voucher: (extended.json() as { pem: string }).pem } })).statusCode,
        201,
      );
      const registered = await call('POST', `/owner/vouchers/${guid}/register`);
      assert.equal(registered.statusCode, 200, registered.body);
      return { credential, deviceKey, guid };
    }

    const onboard = (credential: DeviceCredential, deviceKey: DeviceKey) =>
      runOnboard(
        credential,
        { ownerUrls: [world.platform.url] },
        {
          deviceKey,
          to2: {
            kexSuite: KexSuite.ECDH256,
            cipherSuite: CipherSuite.A128GCM,
            random,
            serviceInfo: { devmod: { os: 'linux', arch: 'x86_64', version: '1', device: 'resale', sep: ';', bin: 'x86_64' }, modules: [] },
          },
        },
      );

    test('before onboarding: the imported voucher is extended to the buyer, leaves the TO2 offer and the refresh job', async () => {
      const sold = await bought('SN-RESALE-1');
      const kept = await bought('SN-RESALE-KEPT');
      const r = await call('POST', `/owner/vouchers/${sold.guid}/resell`, { payload: { ownerKey: buyerPem }, accept: 'application/json' });
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json() as { voucher: { guid: string; state: string; entries: number }; pem: string; retired: string[] };
      assert.deepEqual([body.voucher.guid, body.voucher.state, body.voucher.entries, body.retired], [sold.guid, 'resold', 2, []]);
      const handed = parseVoucher(body.pem);
      assert.ok(samePublicKey(verifyVoucher(handed).owner, buyerKey), 'the voucher verifies and ends at the buyer');
      assert.equal(handed.entries.length, 2, 'the manufacturer’s entry, then this owner’s');
      assert.ok(samePublicKey(voucherOwner(handed), buyerKey));

      assert.equal(await ownerState(sold.credential.guid), 'resold');
      assert.equal(await storeOwnerVoucherStore(world.platform.store).get(sold.credential.guid), undefined, 'never offered in TO2');
      const view = (await call('GET', `/owner/vouchers/${sold.guid}`)).json() as { state: string; to0?: unknown };
      assert.equal(view.state, 'resold');
      assert.equal(view.to0, undefined, 'its TO0 status is gone');
      assert.equal((await world.platform.store.devices.get(sold.credential.guid))?.state, 'resold', 'the device row says it was sold');
      assert.equal((await world.platform.store.devices.get(kept.credential.guid))?.state, 'registered');
      const soldDevices = (await call('GET', '/devices?state=resold')).json() as { items: { guid: string }[] };
      assert.deepEqual(
        soldDevices.items.map((d) => d.guid),
        [sold.guid],
      );
      assert.deepEqual((await actions(sold.credential.guid)).slice(-1), ['voucher.resold']);
      const record = (await world.platform.store.audit.list({ subject: sold.guid })).items.at(-1);
      assert.equal(record?.actor.startsWith('token:'), true, record?.actor);

      // A registration that began before the sale and ends after it records nothing.
      const auditBefore = (await world.platform.store.audit.list({ subject: sold.guid })).items.length;
      await recordTo0Success(world.platform.store, sold.credential.guid, {
        at: new Date(),
        waitSeconds: 3600,
        rendezvous: 'http://late.example',
        actor: 'test',
      });
      await recordTo0Failure(world.platform.store, sold.credential.guid, {
        at: new Date(),
        error: { code: 'ERR_X', message: 'late failure' },
        actor: 'test',
      });
      assert.equal(await ownerState(sold.credential.guid), 'resold');
      assert.equal(((await call('GET', `/owner/vouchers/${sold.guid}`)).json() as { to0?: unknown }).to0, undefined);
      assert.equal((await world.platform.store.audit.list({ subject: sold.guid })).items.length, auditBefore);

      // The device asks this server in TO2: the voucher is no longer offered (RESOURCE_NOT_FOUND).
      await assert.rejects(onboard(sold.credential, sold.deviceKey), { peerCode: 6 });

      // Far in the future both registrations run out: only the one still held is renewed.
      offsetMs = 10_000 * DAY;
      try {
        const run = await world.platform.to0Refresh?.runOnce();
        assert.deepEqual(run?.renewed, [kept.guid]);
        assert.deepEqual(run?.failed, []);
      } finally {
        offsetMs = 0;
      }
      const again = await call('POST', `/owner/vouchers/${sold.guid}/resell`, { payload: { ownerKey: buyerPem } });
      assert.equal(again.statusCode, 409);
      assert.equal((again.json() as { code: string }).code, 'ERR_API_VOUCHER_RESOLD');
      assert.equal((await call('POST', `/owner/vouchers/${sold.guid}/register`)).statusCode, 404);
      const listed = (await call('GET', '/owner/vouchers?state=resold')).json() as { items: { guid: string }[] };
      assert.deepEqual(
        listed.items.map((i) => i.guid),
        [sold.guid],
      );
    });

    test('after onboarding: the replacement voucher is the one handed on (PEM or CBOR by Accept), the original leaves the offer with it', async () => {
      const device = await bought('SN-RESALE-2');
      const first = await onboard(device.credential, device.deviceKey);
      const replacement = first.to2.credential.guid;
      assert.equal(await ownerState(device.credential.guid), 'onboarded', 'ADR 0009: still offered until the device proves R1');

      // Named by the original GUID, in the PEM body; the answer is PEM by default.
      const r = await call('POST', `/owner/vouchers/${device.guid}/resell`, { payload: buyerPem, type: 'application/x-pem-file' });
      assert.equal(r.statusCode, 200, r.body);
      assert.match(r.headers['content-type'] as string, /^application\/x-pem-file/);
      const handed = parseVoucher(r.body);
      assert.equal(guidToHex(handed.header.guid), guidToHex(replacement), 'the current voucher is the replacement');
      assert.ok(samePublicKey(verifyVoucher(handed).owner, buyerKey));
      assert.equal(await ownerState(replacement), 'resold');
      assert.equal(await ownerState(device.credential.guid), 'resold', 'the original too, which ADR 0009 kept offered');
      assert.deepEqual((await actions(device.credential.guid)).slice(-1), ['voucher.retired']);
      const resold = (await world.platform.store.audit.list({ subject: guidToHex(replacement) })).items.at(-1);
      assert.equal(resold?.action, 'voucher.resold');
      assert.deepEqual([resold?.details.named, resold?.details.retired], [device.guid, [device.guid]]);

      // Neither the old credential nor the replacement gets TO2 here any more.
      await assert.rejects(onboard(device.credential, device.deviceKey), { peerCode: 6 });
      await assert.rejects(onboard(first.to2.credential, device.deviceKey), { peerCode: 6 });

      // Named by the replacement GUID: the same device, resold already.
      const again = await call('POST', `/owner/vouchers/${guidToHex(replacement)}/resell`, { payload: { ownerKey: buyerPem } });
      assert.equal((again.json() as { code: string }).code, 'ERR_API_VOUCHER_RESOLD');

      // CBOR by Accept, for a third device.
      const third = await bought('SN-RESALE-3');
      const c = await call('POST', `/owner/vouchers/${third.guid}/resell`, { payload: { ownerKey: buyerPem }, accept: 'application/cbor' });
      assert.equal(c.statusCode, 200, c.body);
      assert.match(c.headers['content-type'] as string, /^application\/cbor/);
      assert.ok(samePublicKey(verifyVoucher(parseVoucher(new Uint8Array(c.rawPayload))).owner, buyerKey));
    });

    test('refusals: unknown device, a malformed key, a voucher this owner cannot sign, the wrong role', async () => {
      const unknown = await call('POST', `/owner/vouchers/${'ab'.repeat(16)}/resell`, { payload: { ownerKey: buyerPem } });
      assert.deepEqual([unknown.statusCode, (unknown.json() as { code: string }).code], [404, 'ERR_API_NOT_FOUND']);

      const device = await bought('SN-RESALE-REFUSED');
      for (const payload of [{ ownerKey: 'not a key' }, {}, { ownerKey: 7 }]) {
        const bad = await call('POST', `/owner/vouchers/${device.guid}/resell`, { payload });
        assert.equal(bad.statusCode, 400, JSON.stringify(payload));
        assert.deepEqual((({ code, field }) => ({ code, field }))(bad.json() as { code: string; field: string }), {
          code: 'ERR_API_VALIDATION',
          field: 'ownerKey',
        });
      }
      const forbidden = await call('POST', `/owner/vouchers/${device.guid}/resell`, {
        payload: { ownerKey: buyerPem },
        token: world.tokens.manufacturer,
      });
      assert.equal(forbidden.statusCode, 403);

      // A voucher recorded on the owner side that no owner key of this server owns (the manufacturer's, unextended).
      const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
      const stray = await runDi(world.platform.url, { random, deviceKey, serialNumber: 'SN-RESALE-STRAY', model: 'resale test' });
      const made = await world.platform.store.vouchers.get('manufacturer', stray.guid);
      await storeOwnerVoucherStore(world.platform.store).add(stray.guid, made?.voucher as Uint8Array);
      const before = (await actions(stray.guid)).length;
      const notOurs = await call('POST', `/owner/vouchers/${guidToHex(stray.guid)}/resell`, { payload: { ownerKey: buyerPem } });
      assert.deepEqual([notOurs.statusCode, (notOurs.json() as { code: string }).code], [409, 'ERR_API_VOUCHER_NOT_OURS']);
      assert.equal(await ownerState(stray.guid), 'imported', 'nothing changed');
      assert.equal((await actions(stray.guid)).length, before);
    });

    test('two resales of one device racing: exactly one is handed on', async () => {
      const device = await bought('SN-RESALE-RACE');
      const other = createPublicKey((await generateKeyPair('secp256r1')).privateKey)
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const answers = await Promise.all(
        [buyerPem, other].map((ownerKey) => call('POST', `/owner/vouchers/${device.guid}/resell`, { payload: { ownerKey } })),
      );
      assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
      assert.equal((await actions(device.credential.guid)).filter((a) => a === 'voucher.resold').length, 1);
    });
  });
}
