/**
 * What an attacker can make without any of a device maker's secrets: a voucher for any GUID, with
 * its own manufacturer key, its own device key and certificate, its own HMAC secret, extended to
 * an owner key of its choosing. It verifies on its own (signatures, hashes, chain hash); only the
 * real device could tell, in TO2, that the header HMAC is not its own.
 */

import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../src/fdo/constants/rendezvous.ts';
import { publicKeyFromKeyObject } from '../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../src/fdo/types/rendezvous-info.ts';
import { createVoucher } from '../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../src/fdo/voucher/voucher-extend.ts';
import { certificateFor } from './pki.ts';

/** A self-made voucher for `guid` (random when not given), extended once to `owner`. */
export async function selfMadeVoucher(owner: KeyObject, guid?: Uint8Array): Promise<{ guid: Uint8Array; voucher: Uint8Array }> {
  const manufacturer = await generateKeyPair('secp256r1');
  const device = await generateKeyPair('secp256r1');
  const id = guid ?? new Uint8Array(randomBytes(16));
  const made = createVoucher({
    guid: id,
    rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttp })],
    deviceInfo: 'self-made',
    manufacturerKey: publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 }),
    devCertChain: [certificateFor(device, { commonName: 'self-made device' })],
    hmac: { secret: new Uint8Array(randomBytes(32)) },
  });
  const voucher = extendVoucher(made, { ownerPrivateKey: manufacturer.privateKey, nextOwner: owner });
  return { guid: id, voucher: encodeVoucher(voucher) };
}
