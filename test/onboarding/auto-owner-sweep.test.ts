/**
 * The start-up sweep of automatic owner registration: a process killed between a DI commit and the
 * automatic extension (or between the import and the TO0 registration) leaves work undone that
 * the next start finishes, once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { storeOwnerVoucherStore } from '../../src/onboarding/owner-vouchers.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { testConfig } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('iotopia-sweep-');

const start = (autoOwner: boolean) => startPlatform(testConfig({ dataDir: dir, autoOwner }));

async function manufacture(platform: Platform, serial: string): Promise<{ credential: DeviceCredential; deviceKey: CryptoKeyLike }> {
  const { privateKey } = await generateKeyPair('secp256r1');
  const credential = await runDi(platform.url, { random, deviceKey: privateKey, serialNumber: serial, model: 'sweep test' });
  return { credential, deviceKey: privateKey };
}
type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const audited = async (platform: Platform, guid: Uint8Array, action: string) =>
  (await platform.store.audit.list({ subject: guidToHex(guid) })).items.filter((r) => r.action === action).length;

test('the start-up sweep imports and registers what a kill left undone, leaves vouchers handed on alone, and does it once', async () => {
  // Auto-owner off stands in for the kill: DI commits, the extension never runs.
  let platform = await start(false);
  const orphan = await manufacture(platform, 'SWEEP-ORPHAN');
  const unregistered = await manufacture(platform, 'SWEEP-UNREGISTERED');
  const sold = await manufacture(platform, 'SWEEP-SOLD');
  // Killed after the import, before TO0: the owner voucher is there, registered nowhere.
  const mfgKey = platform.keys.manufacturer[0]?.privateKey;
  const ownerKey = platform.keys.owner[0]?.privateKey;
  assert.ok(mfgKey !== undefined && ownerKey !== undefined);
  const made = await platform.store.vouchers.get('manufacturer', unregistered.credential.guid);
  await storeOwnerVoucherStore(platform.store).add(
    unregistered.credential.guid,
    encodeVoucher(extendVoucher(parseVoucher(made?.voucher as Uint8Array), { ownerPrivateKey: mfgKey, nextOwner: publicKeyOf(ownerKey) })),
  );
  // Handed to another owner through the manufacturer API: extended, so never taken by the sweep.
  const buyer = await generateKeyPair('secp256r1');
  const extended = await platform.app.inject({
    method: 'POST',
    url: `/api/v1/manufacturer/vouchers/${guidToHex(sold.credential.guid)}/extend`,
    headers: { authorization: `Bearer ${platform.firstAdminToken}` },
    payload: { ownerKey: buyer.publicKey.export({ format: 'pem', type: 'spki' }) },
  });
  assert.equal(extended.statusCode, 200, extended.body);
  assert.equal(await platform.store.vouchers.get('owner', orphan.credential.guid), undefined);
  assert.equal(await platform.store.rendezvous.get(unregistered.credential.guid), undefined);
  await platform.close();

  platform = await start(true);
  try {
    for (const { credential } of [orphan, unregistered]) {
      const owned = await platform.store.vouchers.get('owner', credential.guid);
      assert.equal(owned?.state, 'registered', guidToHex(credential.guid));
      assert.ok(await platform.store.rendezvous.get(credential.guid), 'registered with this server as rendezvous');
      assert.equal(await audited(platform, credential.guid, 'voucher.imported'), 1);
      assert.equal(await audited(platform, credential.guid, 'voucher.registered'), 1);
    }
    assert.equal(await platform.store.vouchers.get('owner', sold.credential.guid), undefined, 'a voucher handed on stays handed on');

    // The swept device onboards here.
    const done = await runOnboard(
      orphan.credential,
      { rendezvousUrls: [platform.url] },
      {
        deviceKey: orphan.deviceKey,
        to2: {
          kexSuite: KexSuite.ECDH256,
          cipherSuite: CipherSuite.A128GCM,
          random,
          serviceInfo: { devmod: { os: 'linux', arch: 'x86_64', version: 't', device: 'sweep', bin: 'x86_64', sep: ';' }, modules: [] },
        },
      },
    );
    assert.equal((await platform.store.devices.get(orphan.credential.guid))?.state, 'onboarded');
    assert.deepEqual((await platform.store.devices.get(orphan.credential.guid))?.replacementGuid, done.to2.credential.guid);
  } finally {
    await platform.close();
  }

  // Run again: nothing left to do, nothing recorded twice.
  const records = async (p: Platform) => (await p.store.audit.list({ limit: 1000 })).items.length;
  platform = await start(true);
  try {
    const before = await records(platform);
    await platform.close();
    platform = await start(true);
    assert.equal(await records(platform), before);
    assert.equal(await audited(platform, unregistered.credential.guid, 'voucher.registered'), 1);
  } finally {
    await platform.close();
  }
});
