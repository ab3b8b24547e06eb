/** The device key a voucher certifies: the id of the key in the leaf of its device certificate chain. */
import assert from 'node:assert/strict';
import { createHash, type X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { voucherDevice } from '../../../src/compliance/evidence/collect/voucher-device.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../../src/fdo/constants/rendezvous.ts';
import { publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor, deviceCa } from '../../helpers/pki.ts';

async function voucher(leaf: X509Certificate | Uint8Array, chain: (X509Certificate | Uint8Array)[] = []): Promise<Uint8Array> {
  const manufacturer = await cachedKeys('secp256r1', 70);
  return encodeVoucher(
    createVoucher({
      guid: new Uint8Array(16).fill(3),
      rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttp })],
      deviceInfo: 'thermo-1',
      manufacturerKey: publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 }),
      devCertChain: [leaf, ...chain] as X509Certificate[],
      hmac: { secret: new Uint8Array(32).fill(7) },
    }),
  );
}

const idOf = (c: X509Certificate) =>
  createHash('sha256')
    .update(c.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

test("the key id is the SHA-256 of the device key's SPKI, for P-256, P-384 and RSA device keys", async () => {
  const ca = await deviceCa('IoTopia voucher-device test CA');
  for (const [type, slot] of [
    ['secp256r1', 71],
    ['secp384r1', 72],
    ['rsa2048', 73],
  ] as [KeyPairType, number][]) {
    const leaf = certificateFor(await cachedKeys(type, slot), { commonName: `device ${type}`, issuer: ca });
    assert.deepEqual(voucherDevice(await voucher(leaf, [ca.certificate])), { keyId: idOf(leaf) }, type);
  }
});

test('two certificates of one key give one key id; another key another', async () => {
  const ca = await deviceCa('IoTopia voucher-device test CA');
  const keys = await cachedKeys('secp256r1', 71);
  const a = voucherDevice(await voucher(certificateFor(keys, { commonName: 'device a', issuer: ca })));
  const b = voucherDevice(await voucher(certificateFor(keys, { commonName: 'device b' })));
  const c = voucherDevice(await voucher(certificateFor(await cachedKeys('secp256r1', 74), { commonName: 'device c', issuer: ca })));
  assert.ok(a?.keyId !== undefined);
  assert.equal(a.keyId, b?.keyId);
  assert.notEqual(a.keyId, c?.keyId);
});

test('bytes that are not a voucher are undefined', () => {
  assert.equal(voucherDevice(Uint8Array.of(0x84, 0x01)), undefined);
});

test('a leaf that is not a certificate leaves the device without a key id', async () => {
  const leaf = certificateFor(await cachedKeys('secp256r1', 71), { commonName: 'device' });
  const bytes = await voucher(leaf);
  // The leaf's first octet (its SEQUENCE tag) turned into a SET's: same length, not a certificate.
  const at = Buffer.from(bytes).indexOf(leaf.raw);
  assert.ok(at > 0);
  bytes[at] = 0x31;
  assert.deepEqual(voucherDevice(bytes), {});
});
