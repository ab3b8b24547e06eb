/**
 * The device key a stored voucher certifies: the public key of the leaf of OVDevCertChain (FDO 1.1
 * §3.4.2), the certificate DI issued for the device key. Which model the device is comes from the
 * voucher's DeviceInfo, through devices-of-model.ts.
 */
import { createHash } from 'node:crypto';
import { certificateSpki } from '../../../crypto/cert-spki.ts';
import { IotopiaError } from '../../../errors.ts';
import { parseVoucher } from '../../../fdo/voucher/voucher-parse.ts';

export interface VoucherDevice {
  /**
   * SHA-256 (hex) of the device key's SubjectPublicKeyInfo as the certificate encodes it; absent
   * without a readable device certificate.
   */
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

// Only the SPKI is read, not the whole certificate: decoding every leaf with X509Certificate and
// exporting its key was half of collecting a fleet's evidence (docs/compliance.md, Performance).
function keyIdOf(certificate: Uint8Array): { keyId?: string } {
  try {
    return { keyId: createHash('sha256').update(certificateSpki(certificate)).digest('hex') };
  } catch (e) {
    // A leaf that is not a certificate leaves the device without a comparable key.
    if (e instanceof IotopiaError) return {};
    throw e;
  }
}
