/**
 * Device certificates (the leaf of the FDO device chain, §5.2.1 DI.AppStart) written from a fixed
 * DER template: the structure is that of createCertificate for an end-entity certificate with one
 * commonName, and only the serial number, validity, subject name, subject key and its key
 * identifier vary. The issuer's name, key identifier and signature algorithm are encoded once per
 * CA; node:crypto (or the CA's keystore) signs. RFC 5280 §4.1 gives the layout:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] version v3, serialNumber, signature, issuer, validity,
 *     subject, subjectPublicKeyInfo, [3] extensions: basicConstraints (critical, cA FALSE),
 *     keyUsage (critical, digitalSignature), subjectKeyIdentifier, authorityKeyIdentifier }
 */

import type { KeyObject } from 'node:crypto';
import { createHash, sign, type X509Certificate } from 'node:crypto';
import { p1363ToDerSignature } from '../codec/cose/ecdsa-signature.ts';
import { certInfo, OID } from './cert-info.ts';
import { describeKey } from './key-describe.ts';
import {
  bitString,
  booleanTrue,
  DerTag,
  explicit,
  objectIdentifier,
  octetString,
  sequence,
  tlv,
  unsignedInteger,
  utf8String,
  x509Time,
} from './lib/der-write.ts';
import { isKeyHandle, keyDetailsOf, type PrivateKeyLike, publicKeyOf, spkiOf } from './private-key-handle.ts';
import { certificateOfDer } from './x509-parse.ts';

/** RFC 5758 §3.2 ecdsa-with-SHA256/384/512 and RFC 4055 §5 sha256WithRSAEncryption. */
const SIGNATURE_OIDS = {
  'P-256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256' },
  'P-384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384' },
  'P-521': { oid: '1.2.840.10045.4.3.4', hash: 'sha512' },
  rsa: { oid: '1.2.840.113549.1.1.11', hash: 'sha256' },
} as const;

/** RFC 5280 §4.1.2.1: version v3 is INTEGER 2, [0] EXPLICIT. */
const VERSION_V3 = explicit(0, Uint8Array.of(DerTag.INTEGER, 1, 2));
/** X.520 id-at-commonName (RFC 5280 Appendix A.1) and its upper bound ub-common-name. */
const ID_AT_COMMON_NAME = objectIdentifier('2.5.4.3');
const UB_COMMON_NAME = 64;
/** basicConstraints with cA FALSE (the DEFAULT, so omitted: an empty SEQUENCE), critical. */
const BASIC_CONSTRAINTS_END_ENTITY = extension(OID.basicConstraints, true, sequence());
/** keyUsage digitalSignature (bit 0) only: one octet, seven unused bits, critical. */
const KEY_USAGE_DIGITAL_SIGNATURE = extension(OID.keyUsage, true, Uint8Array.of(DerTag.BIT_STRING, 2, 7, 0x80));
const SKI_EXTENSION_OID = objectIdentifier(OID.subjectKeyIdentifier);

export interface DeviceCertificateFields {
  /** The subject's commonName, 1 to 64 characters. */
  commonName: string;
  /** The device key (a public KeyObject). */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Positive, at most 20 octets (RFC 5280 §4.1.2.2). */
  serialNumber: Uint8Array;
}

interface Template {
  issuerName: Uint8Array;
  algorithm: Uint8Array;
  hash: 'sha256' | 'sha384' | 'sha512';
  ec: boolean;
  authorityKeyId: Uint8Array;
  privateKey: PrivateKeyLike;
}

// One template per CA certificate and key: the issuer is parsed and its key checked once.
const templates = new WeakMap<X509Certificate, Template>();

/** True when the template can sign with this CA key (EC P-256/P-384/P-521 or RSA). */
export function templateSupports(privateKey: PrivateKeyLike): boolean {
  const d = keyDetailsOf(privateKey);
  return d.type === 'rsa' || d.type === 'ec';
}

function templateOf(certificate: X509Certificate, privateKey: PrivateKeyLike): Template {
  const kept = templates.get(certificate);
  if (kept !== undefined && kept.privateKey === privateKey) return kept;
  if (Buffer.compare(spkiOf(certificate.publicKey), spkiOf(privateKey)) !== 0)
    throw new TypeError("signer.privateKey does not match the signer's certificate");
  const d = keyDetailsOf(privateKey);
  const sig = d.type === 'rsa' ? SIGNATURE_OIDS.rsa : d.type === 'ec' ? SIGNATURE_OIDS[d.curve] : undefined;
  if (sig === undefined) throw new TypeError('the device certificate template signs with EC or RSA CA keys only');
  const info = certInfo(new Uint8Array(certificate.raw));
  const made: Template = {
    issuerName: info.subjectDer,
    algorithm: d.type === 'rsa' ? sequence(objectIdentifier(sig.oid), Uint8Array.of(DerTag.NULL, 0)) : sequence(objectIdentifier(sig.oid)),
    hash: sig.hash,
    ec: d.type === 'ec',
    authorityKeyId: info.subjectKeyIdentifier ?? keyIdentifier(spkiOf(certificate.publicKey)),
    privateKey,
  };
  templates.set(certificate, made);
  return made;
}

/** Issues a device certificate signed by `issuer` (a CA certificate and its private key or key handle). */
export function issueDeviceCertificate(
  issuer: { certificate: X509Certificate; privateKey: PrivateKeyLike },
  fields: DeviceCertificateFields,
): X509Certificate {
  const t = templateOf(issuer.certificate, issuer.privateKey);
  const spki = spkiOf(publicKeyOf(checkedKey(fields.publicKey)));
  const tbs = sequence(
    VERSION_V3,
    serial(fields.serialNumber),
    t.algorithm,
    t.issuerName,
    validity(fields.notBefore, fields.notAfter),
    subjectName(fields.commonName),
    spki,
    explicit(
      3,
      sequence(
        BASIC_CONSTRAINTS_END_ENTITY,
        KEY_USAGE_DIGITAL_SIGNATURE,
        tlv(DerTag.SEQUENCE, SKI_EXTENSION_OID, octetString(octetString(keyIdentifier(spki)))),
        extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, t.authorityKeyId))),
      ),
    ),
  );
  return certificateOfDer(sequence(tbs, t.algorithm, bitString(signTbs(t, tbs))));
}

/** The signature value: DER Ecdsa-Sig-Value for ECDSA (RFC 5480 §2.2.3); a handle signs in its keystore. */
function signTbs(t: Template, tbs: Uint8Array): Uint8Array {
  const key = t.privateKey;
  if (!isKeyHandle(key)) return new Uint8Array(sign(t.hash, tbs, key));
  const signature = key.sign({ scheme: t.ec ? 'ecdsa' : 'rsa-pkcs1', hash: t.hash }, tbs);
  return t.ec ? p1363ToDerSignature(signature) : signature;
}

function checkedKey(key: KeyObject): KeyObject {
  if (key?.type !== 'public' && key?.type !== 'private') throw new TypeError('publicKey must be a public or private KeyObject');
  describeKey(key);
  return key;
}

function serial(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('serialNumber must be a Uint8Array');
  const der = unsignedInteger(bytes);
  const value = der.subarray(2);
  // Positive (not zero) and at most 20 octets, i.e. below 2^159 as createCertificate requires.
  if (value.every((b) => b === 0) || value.length > 20 || (value.length === 20 && value[0] === 0))
    throw new TypeError('serialNumber must be positive and fit 20 octets');
  return der;
}

function subjectName(commonName: string): Uint8Array {
  if (typeof commonName !== 'string' || commonName.length === 0 || commonName.length > UB_COMMON_NAME)
    throw new TypeError('subject.commonName must be 1 to 64 characters');
  return sequence(tlv(DerTag.SET, sequence(ID_AT_COMMON_NAME, utf8String(commonName))));
}

function validity(from: Date, to: Date): Uint8Array {
  for (const d of [from, to]) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('notBefore and notAfter must be valid Dates');
    const year = d.getUTCFullYear();
    if (year < 1950 || year > 9999) throw new TypeError('validity dates must be in the years 1950 to 9999');
  }
  const whole = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
  if (whole(to) < whole(from)) throw new TypeError('notAfter is before notBefore');
  return sequence(x509Time(whole(from)), x509Time(whole(to)));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value (after its unused-bits octet). */
function keyIdentifier(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(subjectPublicKeyBits(spki)).digest());
}

/** The subjectPublicKey bits of a DER SubjectPublicKeyInfo: the second element, a BIT STRING. */
function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  let at = skipHeader(spki, 0).contents;
  at = skipHeader(spki, at).end; // AlgorithmIdentifier
  const bits = skipHeader(spki, at);
  if (spki[at] !== DerTag.BIT_STRING) throw new TypeError('SubjectPublicKeyInfo has no BIT STRING');
  return spki.subarray(bits.contents + 1, bits.end);
}

function skipHeader(der: Uint8Array, at: number): { contents: number; end: number } {
  const first = der[at + 1] as number;
  if (first < 0x80) return { contents: at + 2, end: at + 2 + first };
  const n = first & 0x7f;
  let length = 0;
  for (let k = 0; k < n; k++) length = length * 256 + (der[at + 2 + k] as number);
  return { contents: at + 2 + n, end: at + 2 + n + length };
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}
