/**
 * The attack on a live TO0 registration, over HTTP against a server that is manufacturer, owner
 * and rendezvous: a stranger's self-made voucher for a real device's GUID must not replace the
 * owner's registration (INVALID_OWNERSHIP_VOUCHER, audited), under the default policy and under
 * the open one, and the real device still finds its owner (TO1) and onboards (TO2). Resale, a
 * refresh by the same owner and, once the registration ran out, a new one stay possible.
 */
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi, runOnboard, runTo0 } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { TransportProtocol } from '../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { FdoPeerError } from '../../src/fdo/protocol/error-message.ts';
import { MemoryOwnerKeyRing } from '../../src/fdo/protocol/memory-stores.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { publicKeyFingerprint, samePublicKey } from '../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../src/fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { REGISTRATION_REFUSED_ACTION } from '../../src/onboarding/registration-replacement.ts';
import { bearer, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { selfMadeVoucher } from '../helpers/self-made-voucher.ts';

const REFUSED = { peerCode: ErrorCode.INVALID_OWNERSHIP_VOUCHER, prev: MsgType.TO0_OwnerSign };
const DAY = 86_400_000;

describe('a live registration at the rendezvous cannot be hijacked', () => {
  let tp: TestPlatform;
  let offsetMs = 0;
  before(async () => {
    tp = await startTestPlatform(
      'iotopia-hijack-',
      { roles: 'manufacturer,rendezvous,owner', autoOwner: 'true', to0RefreshInterval: '0' },
      { clock: () => new Date(Date.now() + offsetMs) },
    );
  });
  after(() => tp.close());

  const url = () => tp.platform.url;
  const setPolicy = async (method: 'PUT' | 'DELETE', payload?: object) => {
    const admin = tp.platform.firstAdminToken ?? assert.fail('no admin token');
    const r = await tp.platform.app.inject({
      method,
      url: '/api/v1/rendezvous/policy',
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
    assert.equal(r.statusCode, 200, r.body);
  };

  /** DI here; with auto-owner the voucher is extended to this server's owner key and registered (TO0). */
  async function realDevice(serial: string): Promise<{ credential: DeviceCredential; deviceKey: KeyObject }> {
    const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
    const credential = await runDi(url(), { random, deviceKey, serialNumber: serial, model: 'hijack test' });
    assert.ok(await tp.platform.store.rendezvous.get(credential.guid), 'registered at DI');
    return { credential, deviceKey };
  }

  /** TO1 with the rendezvous the credential names, then TO2 with the owner it points to. */
  const onboard = ({ credential, deviceKey }: { credential: DeviceCredential; deviceKey: KeyObject }) =>
    runOnboard(
      credential,
      {},
      {
        deviceKey,
        to2: {
          kexSuite: KexSuite.ECDH256,
          cipherSuite: CipherSuite.A128GCM,
          random,
          serviceInfo: { devmod: { os: 'linux', arch: 'x86_64', version: '1', device: 'hijack', sep: ';', bin: 'x86_64' }, modules: [] },
        },
      },
    );

  /** TO0 over HTTP: the granted seconds, or the spec code the rendezvous answered with. */
  async function to0(owner: KeyObject, voucher: Uint8Array): Promise<{ waitSeconds: number } | { peerCode: number; prev: number }> {
    try {
      return await runTo0(
        url(),
        { keyRing: new MemoryOwnerKeyRing([owner]) },
        { voucher, rvTo2Addr: [{ ip: '192.0.2.66', port: 8080, protocol: TransportProtocol.ProtHTTP }], waitSeconds: 3600 },
      );
    } catch (e) {
      if (e instanceof FdoPeerError) return { peerCode: e.peerCode, prev: e.prevMsgType };
      throw e;
    }
  }

  const refusals = async (guid: Uint8Array) =>
    (await tp.platform.store.audit.list({ subject: guidToHex(guid), limit: 100 })).items.filter(
      (a) => a.action === REGISTRATION_REFUSED_ACTION,
    );
  const registered = async (guid: Uint8Array) => (await tp.platform.store.rendezvous.get(guid)) ?? assert.fail('no registration');
  const ownKeyFor = (voucher: Uint8Array) =>
    (tp.platform.keys.owner.find((k) => samePublicKey(k.privateKey, voucherOwner(parseVoucher(voucher))))?.privateKey as
      | KeyObject
      | undefined) ?? assert.fail('the voucher is not ours');

  test("a stranger's self-made voucher with the device's GUID is refused and audited, under the default and the open policy; the device still onboards", async () => {
    const real = await realDevice('SN-HIJACK-1');
    const before = await registered(real.credential.guid);
    const attacker = (await generateKeyPair('secp256r1')).privateKey;
    const forged = await selfMadeVoucher(attacker, real.credential.guid);

    assert.deepEqual(await to0(attacker, forged.voucher), REFUSED, 'default policy');
    await setPolicy('PUT', { mode: 'open' });
    try {
      assert.deepEqual(await to0(attacker, forged.voucher), REFUSED, 'open policy: the live registration still holds');
    } finally {
      await setPolicy('DELETE');
    }

    const after = await registered(real.credential.guid);
    assert.deepEqual(after.to1d, before.to1d, 'the owner’s to1d is untouched');
    assert.deepEqual(after.voucher, before.voucher);
    const audit = await refusals(real.credential.guid);
    assert.equal(audit.length, 2);
    for (const a of audit) {
      assert.equal(a.actor, 'rendezvous');
      assert.equal(a.details['reason'], 'different manufacturer key');
      assert.equal(a.details['ownerKey'], publicKeyFingerprint(attacker));
      assert.equal(a.details['registeredOwnerKey'], publicKeyFingerprint(voucherOwner(parseVoucher(before.voucher))));
      assert.equal(a.details['registeredManufacturerKey'], publicKeyFingerprint(parseVoucher(before.voucher).header.pubKey));
    }

    const done = await onboard(real);
    assert.ok(done.to1, 'found its owner through the rendezvous');
    assert.equal(done.ownerUrl, url());
    assert.deepEqual(done.to2.guid, real.credential.guid);
  });

  test('the same owner may register again, with the same voucher or another one ending at its key', async () => {
    const real = await realDevice('SN-REFRESH-1');
    const held = (await registered(real.credential.guid)).voucher;
    const owner = ownKeyFor(held);
    assert.deepEqual(await to0(owner, held), { waitSeconds: 3600 }, 'a refresh of the same voucher');
    // The manufacturer signs the transfer to the same owner again: other entry bytes (ECDSA), same owner.
    const made = await tp.platform.store.vouchers.get('manufacturer', real.credential.guid);
    const mfg = tp.platform.keys.manufacturer.find((k) => samePublicKey(k.privateKey, parseVoucher(held).header.pubKey))?.privateKey;
    assert.ok(made && mfg);
    const again = encodeVoucher(extendVoucher(parseVoucher(made.voucher), { ownerPrivateKey: mfg, nextOwner: owner }));
    assert.notDeepEqual(parseVoucher(again).entries[0]?.raw, parseVoucher(held).entries[0]?.raw);
    assert.deepEqual(await to0(owner, again), { waitSeconds: 3600 }, 'another voucher, same owner key');
    assert.deepEqual(await refusals(real.credential.guid), []);
  });

  test('resale: the extended voucher registers; the previous owner can neither take the device back nor fork the chain', async () => {
    const real = await realDevice('SN-RESALE-1');
    const held = (await registered(real.credential.guid)).voucher;
    const seller = ownKeyFor(held);
    const buyer = (await generateKeyPair('secp256r1')).privateKey;
    const sold = encodeVoucher(extendVoucher(parseVoucher(held), { ownerPrivateKey: seller, nextOwner: buyer }));
    assert.deepEqual(await to0(buyer, sold), { waitSeconds: 3600 }, 'the buyer registers the extended voucher');
    assert.ok(samePublicKey(voucherOwner(parseVoucher((await registered(real.credential.guid)).voucher)), buyer));

    assert.deepEqual(await to0(seller, held), REFUSED, 'the shorter voucher: superseded');
    const other = (await generateKeyPair('secp256r1')).privateKey;
    const fork = encodeVoucher(extendVoucher(parseVoucher(held), { ownerPrivateKey: seller, nextOwner: other }));
    assert.deepEqual(await to0(other, fork), REFUSED, 'a second sale of the same device by the seller');
    const audit = await refusals(real.credential.guid);
    assert.deepEqual(
      audit.map((a) => a.details['reason']),
      ['not the registered owner, nor an extension of the registered voucher'],
    );
    assert.equal(audit[0]?.details['registeredOwnerKey'], publicKeyFingerprint(buyer));

    const next = (await generateKeyPair('secp256r1')).privateKey;
    const resold = encodeVoucher(extendVoucher(parseVoucher(sold), { ownerPrivateKey: buyer, nextOwner: next }));
    assert.deepEqual(await to0(buyer, sold), { waitSeconds: 3600 }, 'the buyer refreshes');
    assert.deepEqual(await to0(next, resold), { waitSeconds: 3600 }, 'and sells on');
  });

  test('once the registration has run out, a voucher the policy accepts may take the GUID', async () => {
    const real = await realDevice('SN-EXPIRED-1');
    const attacker = (await generateKeyPair('secp256r1')).privateKey;
    const forged = await selfMadeVoucher(attacker, real.credential.guid);
    offsetMs = 31 * DAY;
    try {
      assert.deepEqual(await to0(attacker, forged.voucher), REFUSED, 'the default policy refuses a stranger’s manufacturer key');
      assert.deepEqual(await refusals(real.credential.guid), [], 'not a replacement refusal: nothing was live');
      await setPolicy('PUT', { mode: 'open' });
      assert.deepEqual(await to0(attacker, forged.voucher), { waitSeconds: 3600 }, 'the open policy accepts it');
      assert.ok(samePublicKey(voucherOwner(parseVoucher((await registered(real.credential.guid)).voucher)), attacker));
    } finally {
      offsetMs = 0;
      await setPolicy('DELETE');
    }
  });
});
