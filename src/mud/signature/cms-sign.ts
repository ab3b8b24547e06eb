/**
 * Creates a MUD file signature (RFC 8520 §13.1): a DER CMS ContentInfo holding a detached
 * SignedData (RFC 5652 §5) over the MUD file's exact bytes, one SignerInfo identified by issuer
 * and serial number, with the signed attributes content-type, message-digest and signing-time
 * (RFC 5652 §11). pkijs builds the structures; node:crypto signs. ECDSA (P-256, P-384, P-521)
 * and RSA PKCS #1 v1.5.
 */
import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describeKey } from '../../crypto/key-describe.ts';
import { type CertificateInput, parseCertificate, parseCertificates } from '../../crypto/x509-parse.ts';
import { ID_CT_MUDTYPE } from '../url/constants.ts';
import {
  DIGEST_OID_OF,
  type DigestName,
  ECDSA_OID_OF,
  OID_CONTENT_TYPE,
  OID_DATA,
  OID_MESSAGE_DIGEST,
  OID_RSA_ENCRYPTION,
  OID_SIGNED_DATA,
  OID_SIGNING_TIME,
} from './algorithms.ts';

export interface SignMudFileOptions {
  /** The signer's private key (EC or RSA). */
  privateKey: KeyObject;
  /** The signer's certificate; it must hold the public half of `privateKey`. */
  certificate: CertificateInput;
  /** Intermediate certificates to carry, so verifiers can build the path (§13.1: SHOULD). */
  chain?: readonly CertificateInput[];
  /** The signing-time attribute. Default: now. */
  signingTime?: Date;
  /** Default: SHA-384 for P-384 keys, SHA-512 for P-521, SHA-256 otherwise. */
  digestAlgorithm?: DigestName;
  /**
   * eContentType: `data` (id-data, what `openssl cms -sign` writes and what deployed MUD managers
   * check) or `mud` (id-ct-mudtype of RFC 8520 §11). Default `data`.
   */
  contentType?: 'data' | 'mud';
}

/** Signs `content` (the MUD file bytes as served) and returns the DER signature (`.p7s`). */
export function signMudFile(content: Uint8Array, options: SignMudFileOptions): Uint8Array {
  if (!(content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  const { privateKey } = options;
  if (privateKey?.type !== 'private') throw new TypeError('privateKey must be a private KeyObject');
  const key = describeKey(privateKey);
  if (key.type !== 'ec' && key.type !== 'rsa') throw new TypeError(`MUD signatures use EC or RSA keys, not ${key.type}`);
  const cert = parseCertificate(options.certificate);
  if (!cert.checkPrivateKey(privateKey)) throw new TypeError("privateKey does not match the signer's certificate");
  const chain = options.chain === undefined || options.chain.length === 0 ? [] : parseCertificates([...options.chain]);
  const signingTime = options.signingTime ?? new Date();
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime())) throw new TypeError('signingTime must be a valid Date');
  const digest: DigestName =
    options.digestAlgorithm ??
    (key.type === 'ec' && key.curve === 'P-384' ? 'sha384' : key.type === 'ec' && key.curve === 'P-521' ? 'sha512' : 'sha256');
  if (DIGEST_OID_OF[digest] === undefined) throw new TypeError(`unknown digest algorithm ${String(digest)}`);
  const contentType = (options.contentType ?? 'data') === 'mud' ? ID_CT_MUDTYPE : OID_DATA;

  const signerCert = pkijsCertificate(cert);
  const attributes = [
    new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: contentType })] }),
    new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [signingTimeValue(signingTime)] }),
    new pkijs.Attribute({
      type: OID_MESSAGE_DIGEST,
      values: [new asn1js.OctetString({ valueHex: createHash(digest).update(content).digest() })],
    }),
  ];
  // DER orders a SET OF by the encodings of its elements (X.690 §11.6).
  const sorted = attributes
    .map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((x) => x.a);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted });
  const toBeSigned = new Uint8Array(signedAttrs.toSchema().toBER());
  toBeSigned[0] = 0x31; // RFC 5652 §5.4: the signature covers the EXPLICIT SET OF encoding.

  const signatureAlgorithm =
    key.type === 'ec'
      ? new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_OID_OF[digest] })
      : new pkijs.AlgorithmIdentifier({ algorithmId: OID_RSA_ENCRYPTION, algorithmParams: new asn1js.Null() });
  const signature = sign(digest, toBeSigned, privateKey);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signerCert.issuer, serialNumber: signerCert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OID_OF[digest] }),
    signedAttrs,
    signatureAlgorithm,
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OID_OF[digest] })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: contentType }),
    certificates: [signerCert, ...chain.map(pkijsCertificate)],
    signerInfos: [signerInfo],
  });
  const info = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signedData.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER());
}

function pkijsCertificate(cert: X509Certificate): pkijs.Certificate {
  return new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(cert.raw)).result });
}

// RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds.
function signingTimeValue(time: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(time.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}
