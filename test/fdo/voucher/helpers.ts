/** Shared fixtures for the FDO voucher tests: a fixed GUID and HMAC secret, and vouchers made by IoTopia. */
import type { KeyPair, KeyPairType } from '../../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../../src/fdo/constants/rendezvous.ts';
import { guidFromText } from '../../../src/fdo/types/guid.ts';
import { publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import type { OwnershipVoucher } from '../../../src/fdo/voucher/voucher.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor } from '../../helpers/pki.ts';

/** The shared key cache under the name the CLI voucher tests import. */

export const HMAC_SECRET = new Uint8Array(32).fill(0x5a);
export const GUID = guidFromText('0102030405060708090a0b0c0d0e0f10');

export interface VoucherFixture {
  voucher: OwnershipVoucher;
  /** owners[0] is the manufacturer; owners[i] signed entry i and owners[i + 1] is named by it. */
  owners: KeyPair[];
  device: KeyPair;
}

/** A voucher made by IoTopia: P-256 device with a CA-issued certificate, `entries` P-256 owners. */
export async function makeVoucher(entries = 2, mfgType: KeyPairType = 'secp256r1'): Promise<VoucherFixture> {
  const device = await cachedKeys('secp256r1', 9);
  const caKeys = await cachedKeys('secp256r1', 8);
  const caCert = certificateFor(caKeys, { ca: true, commonName: 'IoTopia test CA' });
  const deviceCert = certificateFor(device, { issuer: { keys: caKeys, certificate: caCert }, commonName: 'IoTopia test device' });
  const owners = [await cachedKeys(mfgType, 0)];
  let voucher = createVoucher({
    guid: GUID,
    rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttps })],
    deviceInfo: 'IoTopia test device',
    manufacturerKey: publicKeyFromKeyObject(owners[0]!.publicKey, { encoding: PublicKeyEncoding.X509 }),
    devCertChain: [deviceCert, caCert],
    hmac: { secret: HMAC_SECRET },
  });
  for (let i = 0; i < entries; i++) {
    const next = await cachedKeys('secp256r1', i + 1);
    voucher = extendVoucher(voucher, { ownerPrivateKey: owners[i]!.privateKey, nextOwner: next.publicKey });
    owners.push(next);
  }
  return { voucher, owners, device };
}
