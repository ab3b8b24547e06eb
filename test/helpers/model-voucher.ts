/**
 * A manufacturer's voucher whose header DeviceInfo is a model, as FDO DI writes it, for tests that
 * need devices of a model without running DI: one manufacturer key per process, no certificate
 * chain, the GUID inside the voucher the one it is stored under.
 */
import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../src/fdo/constants/crypto.ts';
import { publicKeyFromKeyObject } from '../../src/fdo/types/public-key.ts';
import { createVoucher } from '../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';

let manufacturer: ReturnType<typeof generateKeyPair> | undefined;

export async function modelVoucher(guid: Uint8Array, model: string): Promise<Uint8Array> {
  manufacturer ??= generateKeyPair('secp256r1');
  const { publicKey } = await manufacturer;
  return encodeVoucher(
    createVoucher({
      guid,
      rvInfo: [],
      deviceInfo: model,
      manufacturerKey: publicKeyFromKeyObject(publicKey, { encoding: PublicKeyEncoding.X509 }),
      devCertChain: null,
      hmac: { secret: new Uint8Array(randomBytes(32)) },
    }),
  );
}
