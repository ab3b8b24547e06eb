/**
 * A platform CA certificate (device CA, TLS CA) derived from its key with fixed fields: every
 * replica and every restart presents the same subject, key and validity, so nothing that recorded
 * the certificate (a voucher's device chain, a client's trust file) goes stale.
 */
import type { X509Certificate } from 'node:crypto';
import { type PrivateKeyLike, publicKeyOf } from '../crypto/private-key-handle.ts';
import { createCertificate } from '../crypto/x509-create.ts';

export const FIXED_NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
export const FIXED_NOT_AFTER = new Date('2074-01-01T00:00:00Z');

export function fixedCaCertificate(commonName: string, key: PrivateKeyLike): X509Certificate {
  return createCertificate({
    subject: { commonName },
    publicKey: publicKeyOf(key),
    signer: { privateKey: key },
    notBefore: FIXED_NOT_BEFORE,
    notAfter: FIXED_NOT_AFTER,
    serialNumber: 1n,
    ca: { pathLength: 0 },
  });
}
