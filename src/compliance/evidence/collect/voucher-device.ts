/**
 * The device key a stored voucher certifies: the public key of the leaf of OVDevCertChain (FDO 1.1
 * §3.4.2), the certificate DI issued for the device key. Which model the device is comes from the
 * voucher's DeviceInfo, through devices-of-model.ts.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { IotopiaError } from '../../../errors.ts';
import { parseVoucher } from '../../../fdo/voucher/voucher-parse.ts';

export interface VoucherDevice {
  /** SHA-256 (hex) of the device key's SubjectPublicKeyInfo; absent without a device certificate. */
  keyId?: string;
}

/** The voucher's device key, or undefined when the bytes are not a voucher IoTopia reads. */
export function voucherDevice(bytes: Uint8Array): VoucherDevice | undefined {
  let leaf: Uint8Array | undefined;
  try {
    leaf = parseVoucher(bytes).devCertChain?.[0];
  } catch (e) {
    if (e instanceof IotopiaError) return undefined;
    throw e;
  }
  return leaf === undefined ? {} : keyIdOf(leaf);
}

function keyIdOf(certificate: Uint8Array): { keyId?: string } {
  try {
    const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
    return { keyId: createHash('sha256').update(spki).digest('hex') };
  } catch {
    // A leaf node:crypto cannot read leaves the device without a comparable key.
    return {};
  }
}
