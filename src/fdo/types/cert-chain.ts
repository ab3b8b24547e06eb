/**
 * X5CHAIN as FDO 1.1 uses it (the device certificate chain of §3.4 OVDevCertChain, the X5CHAIN
 * public key encoding of §3.3.4): a CBOR array of DER certificates, end entity first.
 */
import type { X509Certificate } from 'node:crypto';
import { CryptoError } from '../../crypto/errors.ts';
import { parseCertificates } from '../../crypto/x509-parse.ts';
import type { HashTypeNumber } from '../constants/crypto.ts';
import { type FdoHash, hashBytes } from './hash.ts';
import { asArray, asBstr, messageBodyError } from './read.ts';

/** DER certificates, end entity first. */
export type CertChain = Uint8Array[];

export interface CertChainLimits {
  /** Most certificates in one chain (default 10). */
  maxCertificates?: number;
  /** Largest certificate in bytes (default 16 KiB: FDO chains are a device or owner key and its CAs). */
  maxCertificateBytes?: number;
}

export const CERT_CHAIN_LIMITS = Object.freeze({ maxCertificates: 10, maxCertificateBytes: 16 * 1024 });

/** Reads an X5CHAIN: one or more byte strings within the limits. Certificates are not decoded here. */
export function parseCertChain(v: unknown, where: string, limits: CertChainLimits = {}): CertChain {
  const max = limits.maxCertificates ?? CERT_CHAIN_LIMITS.maxCertificates;
  const maxBytes = limits.maxCertificateBytes ?? CERT_CHAIN_LIMITS.maxCertificateBytes;
  const items = asArray(v, [1, max], where);
  return items.map((c, i) => asBstr(c, `${where}[${i}]`, { min: 1, max: maxBytes }));
}

export function encodeCertChain(chain: CertChain): Uint8Array[] {
  return [...chain];
}

/** Decodes every certificate; a certificate that does not parse is ERR_FDO_MESSAGE_BODY naming it. */
export function certChainToX509(chain: CertChain, where: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const [i, der] of chain.entries()) {
    try {
      out.push(...parseCertificates(der, { maxCertificates: 1, maxCertificateBytes: der.length }));
    } catch (e) {
      if (e instanceof CryptoError) throw messageBodyError(`${where}[${i}]`, `not an X.509 certificate: ${e.message}`, e);
      throw e;
    }
  }
  return out;
}

/**
 * The hash of a chain as OVDevCertChainHash defines it: over the DER certificates concatenated,
 * not over the CBOR array that carries them.
 */
export function certChainHash(type: HashTypeNumber, chain: CertChain): FdoHash {
  return hashBytes(type, ...chain);
}
