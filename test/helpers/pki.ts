/** Certificates for tests: device CAs for DI, and leaf or CA certificates over cached key pairs. */
import type { X509Certificate } from 'node:crypto';
import type { KeyPair, KeyPairType } from '../../src/crypto/key-generate.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { cachedKeys } from './keys.ts';

const NOT_BEFORE = new Date('2024-01-01T00:00:00Z');

export interface Issuer {
  keys: KeyPair;
  certificate: X509Certificate;
}

export interface CertificateOptions {
  commonName?: string;
  ca?: boolean;
  /** Signs the certificate; without it the certificate is self-signed. */
  issuer?: Issuer;
  notAfter?: Date;
}

/** A certificate for `subject`'s public key, valid from 2024 (to 2044 unless told). */
export function certificateFor(subject: KeyPair, o: CertificateOptions = {}): X509Certificate {
  return createCertificate({
    subject: { commonName: o.commonName ?? 'IoTopia test' },
    publicKey: subject.publicKey,
    signer:
      o.issuer === undefined
        ? { privateKey: subject.privateKey }
        : { privateKey: o.issuer.keys.privateKey, certificate: o.issuer.certificate },
    notBefore: NOT_BEFORE,
    notAfter: o.notAfter ?? new Date('2044-01-01T00:00:00Z'),
    ca: o.ca ?? false,
  });
}

/** A self-signed device CA; `privateKey` and `chain` are what a DI manufacturer takes as its device CA. */
export interface DeviceCa extends Issuer {
  privateKey: KeyPair['privateKey'];
  chain: X509Certificate[];
}

export interface DeviceCaOptions {
  type?: KeyPairType;
  /** The key cache slot; 7 unless told, so that CAs of different names share one key. */
  slot?: number;
  notAfter?: Date;
}

/** A device CA on a cached key (P-384 unless told), valid from 2024 to 2054 unless told. */
export async function deviceCa(commonName: string, o: DeviceCaOptions = {}): Promise<DeviceCa> {
  const keys = await cachedKeys(o.type ?? 'secp384r1', o.slot ?? 7);
  const certificate = certificateFor(keys, { commonName, ca: true, notAfter: o.notAfter ?? new Date('2054-01-01T00:00:00Z') });
  return { keys, certificate, privateKey: keys.privateKey, chain: [certificate] };
}
