/**
 * An owner's voucher for a device whose key the test holds: what onboarding leaves in the store
 * (the device certificate chain carries the key the device signs its SUIT reports with).
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, type KeyPairType } from '../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../src/fdo/constants/rendezvous.ts';
import { publicKeyFromKeyObject } from '../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../src/fdo/types/rendezvous-info.ts';
import { createVoucher } from '../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import type { Store } from '../../src/store/store.ts';
import { certificateFor } from './pki.ts';

/** Stores an owner voucher for `guid` with a fresh device key; resolves with the device's private key. */
export async function storeDeviceVoucher(store: Store, guid: Uint8Array, type: KeyPairType = 'secp256r1'): Promise<KeyObject> {
  const manufacturer = await generateKeyPair('secp256r1');
  const device = await generateKeyPair(type);
  const voucher = createVoucher({
    guid,
    rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttp })],
    deviceInfo: 'test device',
    manufacturerKey: publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 }),
    devCertChain: [certificateFor(device, { commonName: 'test device' })],
    hmac: { secret: new Uint8Array(32).fill(7) },
  });
  await store.vouchers.put({ side: 'owner', guid, voucher: encodeVoucher(voucher), state: 'onboarded' });
  return device.privateKey;
}
