/**
 * Decodes X.509 certificates (RFC 5280) from outside bytes: DER, PEM (one or a bundle), DER
 * certificates back to back, or a list of either (FDO carries chains as CBOR arrays of DER, the
 * COSE x5chain header as a single bstr or an array). node's X509Certificate does the decoding;
 * this module adds the size and count limits and typed errors.
 */
import { X509Certificate } from 'node:crypto';
import { CryptoError, KeyFormatError } from './errors.ts';
import { looksLikePem, parsePemBlocks, pemText } from './lib/pem.ts';

export interface CertificateLimits {
  /** Most certificates accepted in one chain or bundle. Default 10. */
  maxCertificates?: number;
  /** Largest single certificate in DER bytes. Default 64 KiB. */
  maxCertificateBytes?: number;
}

export const DEFAULT_CERTIFICATE_LIMITS = Object.freeze({ maxCertificates: 10, maxCertificateBytes: 64 * 1024 });

export type CertificateInput = X509Certificate | Uint8Array | string;

/** Exactly one certificate, from DER, PEM, or an X509Certificate (returned as is). */
export function parseCertificate(input: CertificateInput, limits: CertificateLimits = {}): X509Certificate {
  const certs = parseCertificates(input, { ...limits, maxCertificates: 1 });
  return certs[0]!;
}

/**
 * All certificates of `input`, in order: a PEM bundle, concatenated DER, or a list whose entries
 * are X509Certificate objects, DER or PEM. Fails with ERR_CERT_FORMAT (naming the certificate's
 * position) or ERR_CRYPTO_INPUT_TOO_LARGE.
 */
export function parseCertificates(
  input: CertificateInput | readonly CertificateInput[],
  limits: CertificateLimits = {},
): X509Certificate[] {
  const max = limits.maxCertificates ?? DEFAULT_CERTIFICATE_LIMITS.maxCertificates;
  const maxBytes = limits.maxCertificateBytes ?? DEFAULT_CERTIFICATE_LIMITS.maxCertificateBytes;
  if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError('certificate limits must be positive integers');
  }
  const out: X509Certificate[] = [];
  const add = (cert: X509Certificate) => {
    if (out.length === max) throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `more than ${max} certificate${max === 1 ? '' : 's'}`);
    out.push(cert);
  };
  const entries = Array.isArray(input) ? (input as readonly CertificateInput[]) : [input as CertificateInput];
  if (entries.length > max) throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `${entries.length} certificates, more than ${max}`);
  for (const entry of entries) {
    if (entry instanceof X509Certificate) {
      add(entry);
    } else if (typeof entry === 'string' || entry instanceof Uint8Array) {
      // PEM needs 4/3 the bytes of DER plus line breaks and armour.
      const budget = max * Math.ceil((maxBytes * 4) / 3 + maxBytes / 32 + 64);
      if (entry.length > budget)
        throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `certificate input of ${entry.length} bytes is too large`);
      if (typeof entry === 'string' || looksLikePem(entry)) {
        for (const block of pemBlocks(pemText(entry), max, out.length)) {
          if (block.label !== 'CERTIFICATE') throw certFormat(out.length, `PEM block "${block.label}" is not a CERTIFICATE`);
          add(decodeDer(block.der, out.length, maxBytes));
        }
      } else {
        for (const der of splitDer(entry, out.length)) add(decodeDer(der, out.length, maxBytes));
      }
    } else {
      throw new TypeError('certificates must be X509Certificate, Uint8Array or PEM strings');
    }
  }
  if (out.length === 0) throw certFormat(0, 'no certificate in the input');
  return out;
}

function pemBlocks(text: string, max: number, index: number) {
  try {
    return parsePemBlocks(text, max);
  } catch (err) {
    if (err instanceof KeyFormatError) throw certFormat(index, `PEM: ${err.message}`, err);
    throw err;
  }
}

function decodeDer(der: Uint8Array, index: number, maxBytes: number): X509Certificate {
  if (der.length > maxBytes)
    throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `certificate ${index} is ${der.length} bytes, over ${maxBytes}`);
  try {
    return certificateOfDer(der);
  } catch (cause) {
    throw certFormat(index, 'not a valid DER certificate', cause);
  }
}

/**
 * Certificates decoded recently, by their DER. An onboarding meets the same device certificate and
 * device CA many times (DI, TO0, TO1, each TO2 message); an X509Certificate is immutable (its public
 * key is computed once and kept by node), so one object serves every reader of the same bytes. Only
 * certificates that decoded are kept; a full cache drops its oldest entry.
 */
const MAX_CACHED_CERTIFICATES = 1024;
const certificates = new Map<string, X509Certificate>();

/** An X509Certificate of exactly these DER bytes (decoded once while cached); throws as its constructor does. */
export function certificateOfDer(der: Uint8Array): X509Certificate {
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let cert = certificates.get(id);
  if (cert === undefined) {
    cert = new X509Certificate(der);
    if (certificates.size >= MAX_CACHED_CERTIFICATES) certificates.delete(certificates.keys().next().value as string);
  } else {
    certificates.delete(id);
  }
  certificates.set(id, cert);
  return cert;
}

/** Splits DER certificates written back to back, using each outer SEQUENCE's length. */
function splitDer(bytes: Uint8Array, firstIndex: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = outerLength(bytes, at);
    if (length === undefined || at + length > bytes.length) throw certFormat(firstIndex + parts.length, 'truncated or not DER');
    parts.push(bytes.subarray(at, at + length));
    at += length;
  }
  return parts;
}

/** Total length of the DER item at `at` (definite lengths only, as DER requires). */
function outerLength(bytes: Uint8Array, at: number): number | undefined {
  if (bytes[at] !== 0x30) return undefined;
  const first = bytes[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) return undefined;
  let length = 0;
  for (let k = 0; k < n; k++) {
    const b = bytes[at + 2 + k];
    if (b === undefined) return undefined;
    length = length * 256 + b;
  }
  return 2 + n + length;
}

function certFormat(index: number, problem: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_CERT_FORMAT', `certificate ${index}: ${problem}`, cause === undefined ? undefined : { cause });
}
