/**
 * Journey step 7 (resale) and the Credential Reuse protocol end to end: the device onboards, its
 * owner sells it on by extending the replacement voucher, the buyer registers it (TO0), and the
 * device finds its new owner (TO1) and onboards again (TO2) with the credential the first TO2 gave it.
 */
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { CipherSuite, KexSuite, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import type { MemoryRendezvousStore } from '../../../src/fdo/protocol/memory-stores.ts';
import { createTo0Owner } from '../../../src/fdo/protocol/to0-owner.ts';
import { createTo0Rendezvous } from '../../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Device } from '../../../src/fdo/protocol/to1-device.ts';
import { createTo1Rendezvous } from '../../../src/fdo/protocol/to1-rendezvous.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { drive, fixedClock, journey, makeOwner, type Owner, runTo2 } from './kit.ts';

/** TO0 by `owner` for `voucher`, then TO1 by the device: the to1d it gets. */
async function register(
  owner: Owner,
  voucher: Uint8Array,
  rendezvous: MemoryRendezvousStore,
  dc: DeviceCredential,
  deviceKey: KeyObject,
  seed: string,
) {
  const random = seededRandom(seed);
  const to0 = createTo0Owner({ keyRing: owner.ring });
  await drive(
    to0.start({ voucher, rvTo2Addr: [{ dns: 'buyer.example.com', port: 8043, protocol: TransportProtocol.ProtHTTPS }] }),
    to0.receive,
    createTo0Rendezvous({ random, clock: fixedClock, store: rendezvous }),
  );
  const to1 = createTo1Device({ credential: dc, deviceKey });
  return (await drive(to1.start(), to1.receive, createTo1Rendezvous({ random, clock: fixedClock, store: rendezvous }))).to1d;
}

describe('device lifecycle across owners', () => {
  test('resale: owner A → extend → owner B, the device onboards twice', async () => {
    const first = await journey({
      deviceKeyType: 'SECP256R1',
      kexSuite: KexSuite.ECDH256,
      cipherSuite: CipherSuite.A128GCM,
      seed: 'resale',
    });
    const onboardedA = first.to2.result;
    assert.ok(onboardedA, String(first.to2.deviceError));
    const a = first.owner;
    const replacementA = a.store.onboardedDevices.get(guidToHex(first.di.credential.guid))?.replacementVoucher;
    assert.ok(replacementA);

    // The sale: A extends its replacement voucher to B, whose key is P-384 (so TO2 uses ECDH384).
    const b = makeOwner(await cachedKeys('secp384r1', 70), PublicKeyType.SECP384R1);
    const toB = extendVoucher(parseVoucher(replacementA), { ownerPrivateKey: a.keys.privateKey, nextOwner: b.publicKey });
    const toBBytes = encodeVoucher(toB);
    await b.store.add(toB.header.guid, toBBytes);
    const deviceKey = (await cachedKeys('secp256r1', 1)).privateKey;
    const to1d = await register(b, toBBytes, first.rendezvous, onboardedA.credential, deviceKey, 'resale/b');

    const second = await runTo2({
      credential: onboardedA.credential,
      owner: b,
      kexSuite: KexSuite.ECDH384,
      cipherSuite: CipherSuite.A256GCM,
      to1d,
      seed: 'resale/b/to2',
    });
    const onboardedB = second.result;
    assert.ok(onboardedB, String(second.deviceError));
    assert.notDeepEqual(onboardedB.credential.guid, onboardedA.credential.guid);
    const replacementB = parseVoucher(
      b.store.onboardedDevices.get(guidToHex(onboardedA.credential.guid))?.replacementVoucher as Uint8Array,
    );
    assert.ok(samePublicKey(replacementB.header.pubKey, b.keys.publicKey));
    verifyVoucher(replacementB, { deviceCredential: onboardedB.credential });

    // A sold the device: with the credential B gave it, A does not know the device any more.
    const back = await runTo2({ credential: onboardedB.credential, owner: a, seed: 'resale/a-again' });
    assert.ok(back.deviceError instanceof FdoPeerError);
    assert.equal(back.deviceError.peerCode, 6);
  });

  test('Credential Reuse: the device keeps its credential and onboards again with it', async () => {
    const reuse = { reuseCredential: async () => true };
    const first = await journey({
      deviceKeyType: 'SECP384R1',
      kexSuite: KexSuite.ECDH384,
      cipherSuite: CipherSuite.COSEAES256CBC,
      seed: 'reuse',
      policy: reuse,
    });
    const r1 = first.to2.result;
    assert.ok(r1, String(first.to2.deviceError));
    assert.equal(r1.reused, true);
    assert.deepEqual(r1.credential, first.di.credential);
    assert.deepEqual(first.owner.store.onboardedDevices.get(guidToHex(r1.credential.guid)), { replacementGuid: r1.credential.guid });

    // Same GUID, same registration: TO1 and TO2 again.
    const deviceKey = (await cachedKeys('secp384r1', 1)).privateKey;
    const to1 = createTo1Device({ credential: r1.credential, deviceKey });
    const random = seededRandom('reuse/again');
    const { to1d } = await drive(to1.start(), to1.receive, createTo1Rendezvous({ random, clock: fixedClock, store: first.rendezvous }));
    const again = await runTo2({
      credential: r1.credential,
      owner: first.owner,
      kexSuite: KexSuite.ECDH384,
      cipherSuite: CipherSuite.COSEAES256CBC,
      deviceKeyType: 'SECP384R1',
      to1d,
      policy: reuse,
      seed: 'reuse/again/to2',
    });
    assert.equal(again.result?.reused, true, String(again.deviceError));
  });
});
