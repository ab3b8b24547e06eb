/**
 * The parts of an X.509 certificate (RFC 5280 §4.1) that path validation needs and node's
 * X509Certificate does not expose: raw issuer/subject names, basicConstraints with pathLen,
 * keyUsage bits and critical extensions. pkijs parses. Chain validation here and MUD signature
 * verification (which matches CMS signer identifiers against certificates) both read it.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CryptoError } from './errors.ts';

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** RFC 5280 §4.2.1.3 bit positions. */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export type KeyUsage = keyof typeof KEY_USAGE_BITS;

// Critical extensions path validation here understands. Any other critical extension makes the
// certificate unusable (RFC 5280 §4.2), which fails closed for name and policy constraints, which
// this validator does not process.
const UNDERSTOOD_CRITICAL: ReadonlySet<string> = new Set([
  OID.keyUsage,
  OID.basicConstraints,
  OID.subjectAltName,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
]);

export interface CertInfo {
  cert: pkijs.Certificate;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** undefined when the extension is absent. */
  basicConstraints: { ca: boolean; pathLength: number | undefined } | undefined;
  /** undefined when the extension is absent. */
  keyUsage: ReadonlySet<KeyUsage> | undefined;
  subjectKeyIdentifier: Uint8Array | undefined;
  unknownCritical: string[];
  /** The outer signatureAlgorithm equals the one inside the TBSCertificate (§4.1.1.2). */
  signatureAlgorithmsMatch: boolean;
  /** A problem in an extension's contents, if any. */
  malformed: string | undefined;
}

/** Parses certificate DER with pkijs. Throws CryptoError ERR_CERT_FORMAT. */
export function certInfo(der: Uint8Array): CertInfo {
  let cert: pkijs.Certificate;
  try {
    const parsed = asn1js.fromBER(der);
    if (parsed.offset === -1 || parsed.offset !== der.length) throw new Error('not exactly one ASN.1 item');
    cert = new pkijs.Certificate({ schema: parsed.result });
  } catch (cause) {
    throw new CryptoError('ERR_CERT_FORMAT', 'certificate structure could not be parsed', { cause });
  }
  const info: CertInfo = {
    cert,
    issuerDer: new Uint8Array(cert.issuer.toSchema().toBER()),
    subjectDer: new Uint8Array(cert.subject.toSchema().toBER()),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    basicConstraints: undefined,
    keyUsage: undefined,
    subjectKeyIdentifier: undefined,
    unknownCritical: [],
    signatureAlgorithmsMatch:
      Buffer.compare(Buffer.from(cert.signature.toSchema().toBER()), Buffer.from(cert.signatureAlgorithm.toSchema().toBER())) === 0,
    malformed: undefined,
  };
  const seen = new Set<string>();
  for (const ext of cert.extensions ?? []) {
    if (seen.has(ext.extnID)) info.malformed ??= `extension ${ext.extnID} appears twice`;
    seen.add(ext.extnID);
    if (ext.critical && !UNDERSTOOD_CRITICAL.has(ext.extnID)) info.unknownCritical.push(ext.extnID);
    const value = ext.parsedValue as unknown;
    const broken = value === undefined || value === null || (value as { parsingError?: string }).parsingError !== undefined;
    switch (ext.extnID) {
      case OID.basicConstraints: {
        if (broken || !(value instanceof pkijs.BasicConstraints)) {
          info.malformed ??= 'basicConstraints cannot be parsed';
          break;
        }
        const pathLength = value.pathLenConstraint;
        info.basicConstraints = {
          ca: value.cA === true,
          pathLength: typeof pathLength === 'number' ? pathLength : pathLength === undefined ? undefined : Number.NaN,
        };
        break;
      }
      case OID.keyUsage: {
        if (broken || !(value instanceof asn1js.BitString)) {
          info.malformed ??= 'keyUsage cannot be parsed';
          break;
        }
        const bytes = value.valueBlock.valueHexView;
        const usages = new Set<KeyUsage>();
        for (const [name, bit] of Object.entries(KEY_USAGE_BITS) as [KeyUsage, number][]) {
          if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) usages.add(name);
        }
        info.keyUsage = usages;
        break;
      }
      case OID.subjectKeyIdentifier:
        if (value instanceof asn1js.OctetString) info.subjectKeyIdentifier = new Uint8Array(value.valueBlock.valueHexView);
        break;
    }
  }
  return info;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}
