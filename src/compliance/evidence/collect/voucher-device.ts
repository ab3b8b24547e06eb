/**
 * What a stored voucher says about its device: the DeviceInfo the manufacturer wrote into the
 * header at DI (FDO 1.1 §3.4.1, OVDeviceInfo; IoTopia's DI writes the model the device presented)
 * and the device's public key from the leaf of OVDevCertChain (§3.4.2), the certificate DI issued
 * for the device key.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { IotopiaError } from '../../../errors.ts';
import { parseVoucher } from '../../../fdo/voucher/voucher-parse.ts';

export interface VoucherDevice {
  deviceInfo: string;
  /** SHA-256 (hex) of the device key's SubjectPublicKeyInfo; absent without a device certificate. */
  keyId?: string;
}

/** The voucher's device facts, or undefined when the bytes are not a voucher IoTopia reads. */
export function voucherDevice(bytes: Uint8Array): VoucherDevice | undefined {
  let deviceInfo: string;
  let leaf: Uint8Array | undefined;
  try {
    const v = parseVoucher(bytes);
    deviceInfo = v.header.deviceInfo;
    leaf = v.devCertChain?.[0];
  } catch (e) {
    if (e instanceof IotopiaError) return undefined;
    throw e;
  }
  return leaf === undefined ? { deviceInfo } : { deviceInfo, ...keyIdOf(leaf) };
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
