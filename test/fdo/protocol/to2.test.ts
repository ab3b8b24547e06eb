import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCoseKey, keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { CipherSuite, HashType, KexSuite } from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { encodeErrorMessage } from '../../../src/fdo/messages/error.ts';
import { signTo1d } from '../../../src/fdo/messages/to0.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { deviceIotopiaOnboardModule } from '../../../src/fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import type { ManagementProvision } from '../../../src/fdo/serviceinfo/ports.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { publicKeyFromKeyObject, samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { DEVMOD, makeOwner, makeTo2World, RV_INFO, runTo2 } from '../e2e/kit.ts';

const T = MsgType;

describe('TO2 between IoTopia roles', () => {
  test('the full message sequence yields a replacement credential and a replacement voucher', async () => {
    const w = await makeTo2World();
    const r = await runTo2({ credential: w.device.credential, owner: w.owner });
    assert.equal(r.deviceError, undefined);
    assert.deepEqual(
      r.transcript.map((t) => t.msgType),
      [60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71],
    );
    const result = r.result;
    assert.ok(result);
    assert.equal(result.reused, false);
    const dc = result.credential;
    assert.notDeepEqual(dc.guid, w.device.credential.guid);
    assert.deepEqual(dc.hmacSecret, w.device.credential.hmacSecret);
    assert.deepEqual(dc.rvInfo, RV_INFO);
    assert.equal(dc.active, true);

    const recorded = w.owner.store.onboardedDevices.get(guidToHex(w.device.credential.guid));
    assert.ok(recorded?.replacementVoucher);
    assert.deepEqual(recorded.replacementGuid, dc.guid);
    const next = parseVoucher(recorded.replacementVoucher);
    assert.equal(next.entries.length, 0);
    assert.deepEqual(next.header.guid, dc.guid);
    assert.equal(next.header.deviceInfo, w.voucher.header.deviceInfo);
    assert.deepEqual(next.devCertChain, w.voucher.devCertChain);
    assert.ok(samePublicKey(next.header.pubKey, w.owner.keys.publicKey));
    // The device's new credential and the owner's new voucher agree: HMAC, GUID and manufacturer key hash.
    const v = verifyVoucher(next, { deviceCredential: dc });
    assert.equal(v.hmacChecked, true);
    assert.deepEqual(hashBytes(dc.pubKeyHash.type, next.raw.pubKey), dc.pubKeyHash);

    const last = r.ownerSteps.at(-1);
    assert.equal(last?.state, null);
    assert.equal(last?.onboarded?.reused, false);
    const si = r.ownerSteps.find((s) => s.serviceInfo?.devmod !== undefined)?.serviceInfo;
    assert.equal(si?.devmod?.device, 'iotopia-e2e');
  });

  test('two owner replicas alternate messages of one session, sharing only the JSON state', async () => {
    const w = await makeTo2World({ intermediateOwners: 2 });
    const r = await runTo2({ credential: w.device.credential, owner: w.owner, replicas: 2, cipherSuite: CipherSuite.COSEAES128CTR });
    assert.equal(r.deviceError, undefined);
    assert.ok(r.result);
    const replicas = r.transcript.filter((t) => t.from === 'device').map((t) => t.replica);
    assert.deepEqual(replicas.slice(0, 4), [0, 1, 0, 1]);
    assert.equal(r.transcript.filter((t) => t.msgType === T.TO2_OVNextEntry).length, 3);
  });

  test('a voucher without entries (the manufacturer onboards its own device) is accepted', async () => {
    const w = await makeTo2World();
    const mfg = makeOwner(w.manufacturer);
    const noEntries = { ...w.voucher, entries: [] };
    await mfg.store.add(w.device.credential.guid, encodeVoucher(noEntries));
    const r = await runTo2({ credential: w.device.credential, owner: mfg });
    assert.ok(r.result, String(r.deviceError));
    assert.equal(r.transcript.filter((t) => t.msgType === T.TO2_GetOVNextEntry).length, 0);
  });

  test('Credential Reuse: the owner policy keeps the credential, the voucher stays as it was', async () => {
    const w = await makeTo2World();
    const r = await runTo2({ credential: w.device.credential, owner: w.owner, policy: { reuseCredential: async () => true } });
    assert.ok(r.result, String(r.deviceError));
    assert.equal(r.result.reused, true);
    assert.deepEqual(r.result.credential, w.device.credential);
    const recorded = w.owner.store.onboardedDevices.get(guidToHex(w.device.credential.guid));
    assert.deepEqual(recorded, { replacementGuid: w.device.credential.guid });
    // And the device can onboard again with the same credential.
    const again = await runTo2({ credential: w.device.credential, owner: w.owner, seed: 'again' });
    assert.ok(again.result);
  });

  test('the owner policy chooses the replacement rendezvous info and Owner2Key', async () => {
    const w = await makeTo2World();
    const owner2 = await cachedKeys('secp384r1', 30);
    w.owner.ring.add(owner2.privateKey);
    const rv = [rendezvousDirectiveFromView({ dns: 'rv2.example.com', devPort: 443 })];
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      policy: {
        replacementRvInfo: async () => rv,
        replacementOwnerKey: async () => publicKeyFromKeyObject(owner2.publicKey, { encoding: 1 }),
      },
    });
    assert.ok(r.result, String(r.deviceError));
    assert.deepEqual(r.result.credential.rvInfo, rv);
    const next = parseVoucher(w.owner.store.onboardedDevices.get(guidToHex(w.device.credential.guid))?.replacementVoucher as Uint8Array);
    assert.ok(samePublicKey(next.header.pubKey, owner2.publicKey));
    verifyVoucher(next, { deviceCredential: r.result.credential });
  });

  test('resale: owner A onboards, extends the replacement voucher to owner B, the device onboards again', async () => {
    const w = await makeTo2World();
    const a = await runTo2({ credential: w.device.credential, owner: w.owner });
    assert.ok(a.result);
    const aVoucher = parseVoucher(
      w.owner.store.onboardedDevices.get(guidToHex(w.device.credential.guid))?.replacementVoucher as Uint8Array,
    );
    const ownerB = makeOwner(await cachedKeys('secp256r1', 31));
    const toB = extendVoucher(aVoucher, { ownerPrivateKey: w.owner.keys.privateKey, nextOwner: ownerB.keys.publicKey });
    await ownerB.store.add(toB.header.guid, encodeVoucher(toB));
    const b = await runTo2({ credential: a.result.credential, owner: ownerB, seed: 'resale' });
    assert.ok(b.result, String(b.deviceError));
    assert.notDeepEqual(b.result.credential.guid, a.result.credential.guid);
    const bVoucher = parseVoucher(ownerB.store.onboardedDevices.get(guidToHex(a.result.credential.guid))?.replacementVoucher as Uint8Array);
    verifyVoucher(bVoucher, { deviceCredential: b.result.credential });
    // Owner A can no longer onboard the device: its credential now names B's voucher GUID.
    const stale = await runTo2({ credential: b.result.credential, owner: w.owner, seed: 'stale' });
    assert.ok(stale.deviceError instanceof FdoPeerError);
    assert.equal(stale.deviceError.peerCode, 6);
  });

  test('the to1d blob from TO1 is checked against the voucher owner', async () => {
    const w = await makeTo2World();
    const payload = {
      rvTo2Addr: [{ dns: 'owner.example.com', port: 8043, protocol: TransportProtocol.ProtHTTP }],
      to0dHash: hashBytes(HashType.SHA256, new Uint8Array(1)),
    };
    const good = signTo1d(payload, { key: w.owner.keys.privateKey, alg: -7 });
    const r = await runTo2({ credential: w.device.credential, owner: w.owner, to1d: good });
    assert.ok(r.result, String(r.deviceError));
    const stranger = await cachedKeys('secp256r1', 32);
    const bad = signTo1d(payload, { key: stranger.privateKey, alg: -7 });
    const r2 = await runTo2({ credential: w.device.credential, owner: w.owner, to1d: bad, seed: 'bad-to1d' });
    assert.equal((r2.deviceError as { code?: string }).code, 'ERR_FDO_TO2_SIGNATURE');
    assert.equal(w.owner.store.onboardedDevices.size, 1);
  });

  test('the device reports an error message from the owner as an FdoPeerError with its code', async () => {
    const w = await makeTo2World();
    const r = await runTo2({ credential: w.device.credential, owner: w.owner, kexSuite: KexSuite.ECDH384 });
    assert.ok(r.deviceError instanceof FdoPeerError);
    assert.equal(r.deviceError.code, 'ERR_FDO_PEER_ERROR');
    assert.equal(r.deviceError.peerCode, 101);
    assert.equal(r.deviceError.prevMsgType, T.TO2_HelloDevice);
    assert.equal((r.ownerError as { code?: string }).code, 'ERR_FDO_TO2_KEX_MISMATCH');
  });

  test('ServiceInfo: iotopia.onboard provisions the device inside TO2; a required plan that fails ends TO2', async () => {
    const w = await makeTo2World();
    const saved: ManagementProvision[] = [];
    const provision: ManagementProvision = {
      endpoint: 'https://devices.example.com/api/v1',
      credential: { type: 'bearer', token: 'tok_0123456789abcdefABCDEF' },
      trustAnchors: [encodeCoseKey(keyObjectToCoseKey((await cachedKeys('secp256r1', 33)).publicKey, { alg: -7 }))],
    };
    const modules = [
      deviceIotopiaOnboardModule({ store: { save: async (x) => void saved.push(x) }, mudUrl: 'https://mud.example.com/e2e.json' }),
    ];
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      policy: { serviceInfoPlans: async () => [{ module: 'iotopia.onboard', provision, requireMudUrl: true }] },
      deviceOptions: { serviceInfo: { devmod: DEVMOD, modules }, maxOwnerServiceInfoSz: 512 },
      ownerOptions: { maxDeviceServiceInfoSz: 4096 },
    });
    assert.ok(r.result, String(r.deviceError ?? r.ownerError));
    assert.equal(saved.length, 1);
    assert.equal(saved[0]?.endpoint, provision.endpoint);
    const plans = r.ownerSteps.findLast((s) => s.serviceInfo !== undefined)?.serviceInfo?.plans;
    assert.equal(plans?.[0]?.status, 'done');
    assert.deepEqual(plans?.[0]?.detail, { mudUrl: 'https://mud.example.com/e2e.json' });
    assert.deepEqual(
      w.owner.store.onboardedDevices.get(guidToHex(w.device.credential.guid))?.deliveredCredential,
      provision.credential,
      'the outcome names the credential the device took',
    );

    // Not required, with a device that lacks the module: TO2 ends, and no credential was delivered.
    const w3 = await makeTo2World({ seed: 'optional-module' });
    const r3 = await runTo2({
      credential: w3.device.credential,
      owner: w3.owner,
      policy: { serviceInfoPlans: async () => [{ module: 'iotopia.onboard', provision, required: false }] },
    });
    assert.ok(r3.result, String(r3.deviceError ?? r3.ownerError));
    const outcome = w3.owner.store.onboardedDevices.get(guidToHex(w3.device.credential.guid));
    assert.ok(outcome !== undefined);
    assert.equal(outcome.deliveredCredential, undefined);

    // The same plan with a device that does not support the module: required, so TO2 fails.
    const w2 = await makeTo2World({ seed: 'no-module' });
    const r2 = await runTo2({
      credential: w2.device.credential,
      owner: w2.owner,
      policy: { serviceInfoPlans: async () => [{ module: 'iotopia.onboard', provision }] },
    });
    assert.equal(r2.result, undefined);
    assert.equal((r2.ownerError as { code?: string }).code, 'ERR_FDO_MODULE_FAILED');
    assert.equal(w2.owner.store.onboardedDevices.size, 0);
  });

  test('a device key held in a keystore is found through the device key port', async () => {
    const w = await makeTo2World();
    const credential = { ...w.device.credential, deviceKey: { keystoreRef: 'pkcs11:token=dev;object=attest' } };
    const r = await runTo2({
      credential,
      owner: w.owner,
      deviceOptions: {
        deviceKeys: { privateKeyFor: async (ref) => (ref === 'pkcs11:token=dev;object=attest' ? w.device.keys.privateKey : undefined) },
      },
    });
    assert.ok(r.result, String(r.deviceError));
    assert.deepEqual(r.result.credential.deviceKey, credential.deviceKey);
    const missing = await runTo2({ credential, owner: w.owner, seed: 'missing-key' });
    assert.equal((missing.deviceError as { code?: string }).code, 'ERR_FDO_TO2_KEY_UNAVAILABLE');
  });

  test('an error message from the device ends the owner session and changes nothing', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: async (m, from) =>
        from === 'device' && m.msgType === T.TO2_ProveDevice
          ? {
              msgType: T.Error,
              body: encodeErrorMessage({ code: 2, prevMsgType: T.TO2_OVNextEntry, message: 'invalid ownership voucher' }),
            }
          : m,
    });
    const last = r.ownerSteps.at(-1);
    assert.equal(last?.state, null);
    assert.ok(last?.error instanceof FdoPeerError);
    assert.equal(last.error.peerCode, 2);
    assert.equal(r.result, undefined);
    assert.equal(w.owner.store.onboardedDevices.size, 0);
  });
});
