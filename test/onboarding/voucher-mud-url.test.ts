import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { PublicKeyEncoding } from '../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../src/fdo/constants/rendezvous.ts';
import { publicKeyFromKeyObject } from '../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../src/fdo/types/rendezvous-info.ts';
import { createVoucher } from '../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { ID_PE_MUD_URL } from '../../src/mud/url/constants.ts';
import { encodeMudUrlExtension } from '../../src/mud/url/x509.ts';
import { voucherCertificateMudUrl } from '../../src/onboarding/voucher-mud-url.ts';
import { cachedKeys } from '../helpers/keys.ts';

async function voucherWith(extensions: { oid: string; value: Uint8Array }[] | null): Promise<Uint8Array> {
  const manufacturer = await cachedKeys('secp256r1', 41);
  const device = await cachedKeys('secp256r1', 42);
  const leaf = createCertificate({
    subject: { commonName: 'lamp' },
    publicKey: device.publicKey,
    signer: { privateKey: device.privateKey },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2044-01-01T00:00:00Z'),
    ...(extensions === null ? {} : { extensions }),
  });
  return encodeVoucher(
    createVoucher({
      guid: new Uint8Array(16).fill(7),
      rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttp })],
      deviceInfo: 'lamp',
      manufacturerKey: publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 }),
      devCertChain: [leaf],
      hmac: { secret: new Uint8Array(32).fill(1) },
    }),
  );
}

describe('the MUD URL of the device certificate in a voucher (RFC 8520 §11)', () => {
  test('is read from the leaf of OVDevCertChain', async () => {
    const url = 'https://mud.example.com/lamp.json';
    const voucher = await voucherWith([{ oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(url) }]);
    assert.equal(voucherCertificateMudUrl(voucher), url);
  });

  test('is absent for a certificate without the extension, and for bytes that are no voucher', async () => {
    assert.equal(voucherCertificateMudUrl(await voucherWith(null)), undefined);
    assert.equal(voucherCertificateMudUrl(new Uint8Array([0x84, 0x01])), undefined);
  });
});
