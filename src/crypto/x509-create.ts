/**
 * Issues X.509 v3 certificates (RFC 5280): self-signed CA roots, intermediates and end-entity
 * certificates such as FDO device certificates. pkijs builds the TBSCertificate; the signer's key
 * signs it: node:crypto for a KeyObject (DER ECDSA signatures directly), the keystore for a
 * KeyHandle (r||s, turned into DER here), so a CA key in a token never leaves it.
 */
import { createHash, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { p1363ToDerSignature } from '../codec/cose/ecdsa-signature.ts';
import { certInfo, KEY_USAGE_BITS, type KeyUsage, OID } from './cert-info.ts';
import { describeKey, type KeyDescription } from './key-describe.ts';
import { bytesToBigInt } from './lib/bytes.ts';
import { isKeyHandle, isPrivateKeyLike, keyDetailsOf, type PrivateKeyLike, publicKeyOf, spkiOf } from './private-key-handle.ts';

export type { KeyUsage } from './cert-info.ts';

export type CertificateSignatureAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'EdDSA';

export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 two-letter code. */
  country?: string;
  /** The X.520 serialNumber attribute (a device serial, not the certificate serial). */
  serialNumber?: string;
}

export interface CertificateExtensionInput {
  oid: string;
  critical?: boolean;
  /** DER of the extension value (the contents of extnValue). */
  value: Uint8Array;
}

export interface CreateCertificateOptions {
  subject: DistinguishedName;
  /** The subject's public key (a private key or a key handle is accepted and its public half used). */
  publicKey: KeyObject | PrivateKeyLike;
  /**
   * Who signs: the issuer's certificate and private key (a KeyObject or a keystore's KeyHandle), or
   * only a private key for a self-signed certificate, whose key must then be the subject's.
   */
  signer: { privateKey: PrivateKeyLike; certificate?: X509Certificate };
  notBefore: Date;
  notAfter: Date;
  /** Positive, at most 20 octets (RFC 5280 §4.1.2.2). Default: 16 random bytes. */
  serialNumber?: bigint | Uint8Array;
  /** Makes a CA certificate, optionally with a pathLenConstraint. Default: an end-entity certificate. */
  ca?: boolean | { pathLength?: number };
  /** Default: keyCertSign and cRLSign for a CA, digitalSignature otherwise. */
  keyUsage?: readonly KeyUsage[];
  /** Default from the signing key: ES256/ES384/ES512 by curve, RS256 for RSA, EdDSA for Ed25519. */
  signatureAlgorithm?: CertificateSignatureAlgorithm;
  /** Further extensions, e.g. the MUD URL of RFC 8520 §10. */
  extensions?: readonly CertificateExtensionInput[];
}

const SIGNATURE_ALGORITHMS: Record<
  CertificateSignatureAlgorithm,
  { oid: string; hash: string | null; key: KeyDescription['type']; nullParams: boolean }
> = {
  ES256: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', key: 'ec', nullParams: false },
  ES384: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', key: 'ec', nullParams: false },
  ES512: { oid: '1.2.840.10045.4.3.4', hash: 'sha512', key: 'ec', nullParams: false },
  RS256: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', key: 'rsa', nullParams: true },
  RS384: { oid: '1.2.840.113549.1.1.12', hash: 'sha384', key: 'rsa', nullParams: true },
  RS512: { oid: '1.2.840.113549.1.1.13', hash: 'sha512', key: 'rsa', nullParams: true },
  EdDSA: { oid: '1.3.101.112', hash: null, key: 'ed25519', nullParams: false },
};

const NAME_ATTRIBUTES: [keyof DistinguishedName, string, 'printable' | 'utf8'][] = [
  ['country', '2.5.4.6', 'printable'],
  ['organization', '2.5.4.10', 'utf8'],
  ['organizationalUnit', '2.5.4.11', 'utf8'],
  ['serialNumber', '2.5.4.5', 'printable'],
  ['commonName', '2.5.4.3', 'utf8'],
];

/** Creates and signs a certificate. Invalid options are a TypeError. */
export function createCertificate(options: CreateCertificateOptions): X509Certificate {
  const { signer } = options;
  if (!isPrivateKeyLike(signer?.privateKey)) throw new TypeError('signer.privateKey must be a private KeyObject or a KeyHandle');
  const subjectKey = publicOf(options.publicKey, 'publicKey');
  describeKey(subjectKey);
  const signerKey = keyDetailsOf(signer.privateKey);
  const alg = SIGNATURE_ALGORITHMS[options.signatureAlgorithm ?? defaultAlgorithm(signerKey)];
  if (alg === undefined) throw new TypeError(`unknown signature algorithm ${String(options.signatureAlgorithm)}`);
  if (alg.key !== signerKey.type)
    throw new TypeError(`${options.signatureAlgorithm} needs a ${alg.key} key, the signer's is ${signerKey.type}`);

  const spkiDer = new Uint8Array(subjectKey.export({ format: 'der', type: 'spki' }));
  const spki = new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(spkiDer).result });
  const subjectKeyId = keyIdentifier(spki);

  let issuerName: pkijs.RelativeDistinguishedNames;
  let authorityKeyId: Uint8Array;
  if (signer.certificate === undefined) {
    if (Buffer.compare(spkiOf(signer.privateKey), spkiDer) !== 0)
      throw new TypeError('a self-signed certificate must be signed by the subject key');
    issuerName = buildName(options.subject);
    authorityKeyId = subjectKeyId;
  } else {
    if (!(signer.certificate instanceof X509Certificate)) throw new TypeError('signer.certificate must be an X509Certificate');
    ({ issuerName, authorityKeyId } = issuerOf(signer.certificate, signer.privateKey));
  }

  const { notBefore, notAfter } = validity(options.notBefore, options.notAfter);
  const isCa = options.ca !== undefined && options.ca !== false;
  const pathLength = typeof options.ca === 'object' ? options.ca.pathLength : undefined;
  if (pathLength !== undefined && (!Number.isSafeInteger(pathLength) || pathLength < 0))
    throw new TypeError('ca.pathLength must be a non-negative integer');
  const usages = options.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']);

  const algorithmId = new pkijs.AlgorithmIdentifier({
    algorithmId: alg.oid,
    ...(alg.nullParams ? { algorithmParams: new asn1js.Null() } : {}),
  });
  const basicConstraints = new pkijs.BasicConstraints(
    pathLength === undefined ? { cA: isCa } : { cA: isCa, pathLenConstraint: pathLength },
  );
  const extensions = [
    extension(OID.basicConstraints, true, basicConstraints.toSchema().toBER()),
    extension(OID.keyUsage, true, keyUsageBitString(usages).toBER()),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: subjectKeyId }).toBER()),
    extension(
      OID.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: authorityKeyId }) }).toSchema().toBER(),
    ),
  ];
  for (const e of options.extensions ?? []) {
    if (typeof e?.oid !== 'string' || !/^\d+(\.\d+)+$/.test(e.oid) || !(e.value instanceof Uint8Array)) {
      throw new TypeError('extensions need an OID string and a Uint8Array value');
    }
    if (extensions.some((x) => x.extnID === e.oid)) throw new TypeError(`extension ${e.oid} is already present`);
    extensions.push(extension(e.oid, e.critical === true, e.value));
  }

  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: serialNumber(options.serialNumber),
    signature: algorithmId,
    issuer: issuerName,
    notBefore,
    notAfter,
    subject: buildName(options.subject),
    subjectPublicKeyInfo: spki,
    extensions,
    signatureAlgorithm: algorithmId,
  });
  const tbs = new Uint8Array(cert.encodeTBS().toBER());
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: signTbs(alg, tbs, signer.privateKey) });
  return new X509Certificate(Buffer.from(cert.toSchema().toBER()));
}

/** The signature value: DER for ECDSA, as X.509 wants it; a handle signs in its keystore. */
function signTbs(alg: (typeof SIGNATURE_ALGORITHMS)[CertificateSignatureAlgorithm], tbs: Uint8Array, key: PrivateKeyLike): Uint8Array {
  if (!isKeyHandle(key)) return new Uint8Array(sign(alg.hash, tbs, key));
  const scheme = alg.key === 'ec' ? 'ecdsa' : alg.key === 'rsa' ? 'rsa-pkcs1' : 'eddsa';
  const signature = key.sign({ scheme, hash: alg.hash as 'sha256' | 'sha384' | 'sha512' | null }, tbs);
  return scheme === 'ecdsa' ? p1363ToDerSignature(signature) : signature;
}

interface Issuer {
  name: pkijs.RelativeDistinguishedNames;
  keyId: Uint8Array;
  /** Private keys (or handles) already checked against this certificate. */
  keys: WeakSet<object>;
}

// A CA issues many certificates (a manufacturer one per device at DI): its certificate is parsed
// and its key checked once, not once per certificate.
const issuers = new WeakMap<X509Certificate, Issuer>();

function issuerOf(
  certificate: X509Certificate,
  privateKey: PrivateKeyLike,
): { issuerName: pkijs.RelativeDistinguishedNames; authorityKeyId: Uint8Array } {
  let issuer = issuers.get(certificate);
  if (issuer === undefined) {
    const info = certInfo(new Uint8Array(certificate.raw));
    issuer = {
      name: info.cert.subject,
      keyId: info.subjectKeyIdentifier ?? keyIdentifier(info.cert.subjectPublicKeyInfo),
      keys: new WeakSet(),
    };
    issuers.set(certificate, issuer);
  }
  if (!issuer.keys.has(privateKey)) {
    if (!matches(certificate, privateKey)) throw new TypeError("signer.privateKey does not match the signer's certificate");
    issuer.keys.add(privateKey);
  }
  return { issuerName: issuer.name, authorityKeyId: issuer.keyId };
}

function matches(certificate: X509Certificate, key: PrivateKeyLike): boolean {
  if (!isKeyHandle(key)) return certificate.checkPrivateKey(key);
  return Buffer.compare(certificate.publicKey.export({ format: 'der', type: 'spki' }), spkiOf(key)) === 0;
}

function defaultAlgorithm(key: KeyDescription): CertificateSignatureAlgorithm {
  if (key.type === 'rsa') return 'RS256';
  if (key.type === 'ed25519') return 'EdDSA';
  return key.curve === 'P-256' ? 'ES256' : key.curve === 'P-384' ? 'ES384' : 'ES512';
}

function publicOf(key: KeyObject | PrivateKeyLike, name: string): KeyObject {
  if ((key instanceof KeyObject && key.type !== 'secret') || isKeyHandle(key)) return publicKeyOf(key);
  throw new TypeError(`${name} must be a public or private KeyObject or a KeyHandle`);
}

// One attribute per RDN, as RFC 5280 profiles names. pkijs would put every attribute of a fresh
// name into a single multi-valued RDN, so the Name is encoded here and handed to pkijs as DER.
function buildName(dn: DistinguishedName): pkijs.RelativeDistinguishedNames {
  if (typeof dn?.commonName !== 'string' || dn.commonName.length === 0)
    throw new TypeError('subject.commonName must be a non-empty string');
  const rdns: asn1js.Set[] = [];
  for (const [field, oid, kind] of NAME_ATTRIBUTES) {
    const value = dn[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 64)
      throw new TypeError(`subject.${field} must be 1 to 64 characters`);
    if (kind === 'printable' && !/^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value))
      throw new TypeError(`subject.${field} must be a PrintableString`);
    if (field === 'country' && !/^[A-Z]{2}$/.test(value)) throw new TypeError('subject.country must be two capital letters');
    const text = kind === 'printable' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    rdns.push(new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), text] })] }));
  }
  const der = new asn1js.Sequence({ value: rdns }).toBER();
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both without fractions.
function validity(from: Date, to: Date): { notBefore: pkijs.Time; notAfter: pkijs.Time } {
  for (const d of [from, to])
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('notBefore and notAfter must be valid Dates');
  const whole = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
  const time = (d: Date) => {
    const year = d.getUTCFullYear();
    if (year < 1950 || year > 9999) throw new TypeError('validity dates must be in the years 1950 to 9999');
    return new pkijs.Time({ type: year < 2050 ? 0 : 1, value: whole(d) });
  };
  if (whole(to) < whole(from)) throw new TypeError('notAfter is before notBefore');
  return { notBefore: time(from), notAfter: time(to) };
}

function serialNumber(input: bigint | Uint8Array | undefined): asn1js.Integer {
  let value: bigint;
  if (input === undefined) {
    const bytes = randomBytes(16);
    bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive and exactly 16 octets
    value = bytesToBigInt(bytes);
  } else if (typeof input === 'bigint') {
    value = input;
  } else if (input instanceof Uint8Array) {
    value = bytesToBigInt(input);
  } else {
    throw new TypeError('serialNumber must be a bigint or Uint8Array');
  }
  if (value <= 0n || value >= 2n ** 159n) throw new TypeError('serialNumber must be positive and fit 20 octets');
  return asn1js.Integer.fromBigInt(value);
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

/** DER named bit list: trailing zero bits dropped (X.690 §11.2.2). */
function keyUsageBitString(usages: readonly KeyUsage[]): asn1js.BitString {
  if (!Array.isArray(usages) || usages.length === 0) throw new TypeError('keyUsage must list at least one usage');
  let bits = 0;
  let highest = -1;
  for (const u of usages) {
    const bit: number | undefined = KEY_USAGE_BITS[u as KeyUsage];
    if (bit === undefined) throw new TypeError(`unknown key usage ${String(u)}`);
    bits |= 1 << (15 - bit);
    highest = Math.max(highest, bit);
  }
  const length = highest < 8 ? 1 : 2;
  const bytes = length === 1 ? Uint8Array.of(bits >> 8) : Uint8Array.of(bits >> 8, bits & 0xff);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: length * 8 - 1 - highest });
}

function extension(oid: string, critical: boolean, value: ArrayBuffer | Uint8Array): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value instanceof Uint8Array ? value.slice().buffer : value });
}
