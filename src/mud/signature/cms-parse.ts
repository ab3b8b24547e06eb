/**
 * Decodes a MUD signature file: a DER CMS ContentInfo holding a detached SignedData (RFC 5652
 * §5, RFC 8520 §13) with one SignerInfo. pkijs/asn1js parse; this module adds input limits, the
 * structural checks of RFC 5652 §5.3 and §11, and typed errors. It does not verify anything.
 */
import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificates } from '../../crypto/x509-parse.ts';
import { IotopiaError } from '../../errors.ts';
import { ID_CT_MUDTYPE } from '../url/constants.ts';
import {
  DIGEST_OIDS,
  type DigestName,
  OID_CONTENT_TYPE,
  OID_DATA,
  OID_MESSAGE_DIGEST,
  OID_SIGNED_DATA,
  OID_SIGNING_TIME,
  SIGNATURE_OIDS,
  type SignatureAlgorithm,
} from './algorithms.ts';
import { MudSignatureError } from './errors.ts';

export interface MudSignatureLimits {
  /** Largest signature file in bytes. Default 256 KiB. */
  maxBytes?: number;
  /** Most certificates carried in the SignedData. Default 10. */
  maxCertificates?: number;
  /** Most signed attributes. Default 32. */
  maxSignedAttributes?: number;
}

export const DEFAULT_MUD_SIGNATURE_LIMITS = Object.freeze({ maxBytes: 256 * 1024, maxCertificates: 10, maxSignedAttributes: 32 });

/** How the SignerInfo names its certificate (RFC 5652 §5.3 SignerIdentifier). */
export type SignerIdentifier = { issuer: Uint8Array; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };

export interface SignedAttributes {
  /** The DER SET OF Attribute that the signature covers (RFC 5652 §5.4: EXPLICIT SET tag). */
  der: Uint8Array;
  contentType: string;
  messageDigest: Uint8Array;
  signingTime: Date | undefined;
}

export interface ParsedMudSignature {
  /** eContentType: id-data (what `openssl cms` writes) or id-ct-mudtype (RFC 8520 §11). */
  contentType: string;
  certificates: X509Certificate[];
  signerId: SignerIdentifier;
  digestAlgorithm: DigestName;
  signatureAlgorithmOid: string;
  signatureAlgorithm: SignatureAlgorithm;
  /** undefined when the SignerInfo has no signed attributes (the signature then covers the content). */
  signedAttributes: SignedAttributes | undefined;
  signature: Uint8Array;
}

/** Parses a DER MUD signature. Fails with ERR_MUD_SIGNATURE_FORMAT, _TOO_LARGE or _UNSUPPORTED. */
export function parseMudSignature(der: Uint8Array, limits: MudSignatureLimits = {}): ParsedMudSignature {
  if (!(der instanceof Uint8Array)) throw new TypeError('the signature must be a Uint8Array');
  const maxBytes = limits.maxBytes ?? DEFAULT_MUD_SIGNATURE_LIMITS.maxBytes;
  const maxCertificates = limits.maxCertificates ?? DEFAULT_MUD_SIGNATURE_LIMITS.maxCertificates;
  const maxAttributes = limits.maxSignedAttributes ?? DEFAULT_MUD_SIGNATURE_LIMITS.maxSignedAttributes;
  if (der.length > maxBytes)
    throw new MudSignatureError('ERR_MUD_SIGNATURE_TOO_LARGE', `the signature has ${der.length} bytes, more than ${maxBytes}`);
  if (der.length === 0) throw format('the signature file is empty');

  let signedData: pkijs.SignedData;
  try {
    const parsed = asn1js.fromBER(der);
    if (parsed.offset === -1 || parsed.result.error) throw new Error(parsed.result.error || 'bad encoding');
    if (parsed.offset !== der.length) throw format(`${der.length - parsed.offset} bytes follow the ContentInfo`);
    const info = new pkijs.ContentInfo({ schema: parsed.result });
    if (info.contentType !== OID_SIGNED_DATA) throw format(`ContentInfo holds ${info.contentType}, not SignedData (${OID_SIGNED_DATA})`);
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (cause) {
    if (cause instanceof MudSignatureError) throw cause;
    // Hostile nesting can exhaust the stack inside the parser: still a format error.
    throw format(`not a DER CMS SignedData: ${(cause as Error)?.message ?? String(cause)}`.slice(0, 300), cause);
  }

  const contentType = signedData.encapContentInfo.eContentType;
  if (contentType !== OID_DATA && contentType !== ID_CT_MUDTYPE)
    throw format(`eContentType ${contentType} is neither id-data nor id-ct-mudtype`);
  if (signedData.encapContentInfo.eContent !== undefined)
    throw format('the SignedData encapsulates its content; a MUD signature is detached (RFC 8520 §13)');

  const certificates = readCertificates(signedData, maxCertificates);
  const signers = signedData.signerInfos;
  if (signers.length !== 1) throw format(`${signers.length} SignerInfos; a MUD signature has exactly one`);
  const signer = signers[0]!;
  // RFC 5652 §5.3: signed attributes are mandatory unless the content type is id-data.
  if (contentType !== OID_DATA && signer.signedAttrs === undefined)
    throw format(`eContentType ${contentType} needs signed attributes (RFC 5652 §5.3); the SignerInfo has none`);

  const digestOid = signer.digestAlgorithm.algorithmId;
  const digestAlgorithm = DIGEST_OIDS[digestOid];
  if (digestAlgorithm === undefined) throw unsupported(`digest algorithm ${digestOid}`);
  const signatureAlgorithmOid = signer.signatureAlgorithm.algorithmId;
  const signatureAlgorithm = SIGNATURE_OIDS[signatureAlgorithmOid];
  if (signatureAlgorithm === undefined) throw unsupported(`signature algorithm ${signatureAlgorithmOid}`);

  return {
    contentType,
    certificates,
    signerId: signerIdentifier(signer),
    digestAlgorithm,
    signatureAlgorithmOid,
    signatureAlgorithm,
    signedAttributes: signer.signedAttrs === undefined ? undefined : signedAttributes(signer.signedAttrs, contentType, maxAttributes),
    signature: new Uint8Array(signer.signature.valueBlock.valueHexView),
  };
}

function readCertificates(signedData: pkijs.SignedData, max: number): X509Certificate[] {
  const bag = signedData.certificates ?? [];
  if (bag.length > max) throw new MudSignatureError('ERR_MUD_SIGNATURE_TOO_LARGE', `${bag.length} certificates, more than ${max}`);
  const ders: Uint8Array[] = [];
  for (const [i, c] of bag.entries()) {
    if (!(c instanceof pkijs.Certificate)) throw format(`certificate ${i} is not an X.509 certificate`);
    ders.push(new Uint8Array(c.toSchema().toBER()));
  }
  if (ders.length === 0) return [];
  try {
    return parseCertificates(ders, { maxCertificates: max });
  } catch (cause) {
    if (cause instanceof IotopiaError) throw format(`a carried certificate is invalid: ${cause.message}`, cause);
    throw cause;
  }
}

function signerIdentifier(signer: pkijs.SignerInfo): SignerIdentifier {
  const sid = signer.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return {
      issuer: new Uint8Array(sid.issuer.toSchema().toBER()),
      serialNumber: new Uint8Array(sid.serialNumber.valueBlock.valueHexView),
    };
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    // [0] SubjectKeyIdentifier, implicitly tagged OCTET STRING.
    const view = (sid as asn1js.Primitive).valueBlock.valueHexView;
    if (view !== undefined && view.length > 0) return { subjectKeyIdentifier: new Uint8Array(view) };
  }
  throw format('the SignerInfo has no usable SignerIdentifier');
}

function signedAttributes(attrs: pkijs.SignedAndUnsignedAttributes, contentType: string, max: number): SignedAttributes {
  const list = Array.isArray(attrs.attributes) ? attrs.attributes : [];
  if (list.length === 0) throw format('the signed attributes are empty');
  if (list.length > max) throw new MudSignatureError('ERR_MUD_SIGNATURE_TOO_LARGE', `${list.length} signed attributes, more than ${max}`);
  const seen = new Set<string>();
  let attrContentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  let signingTime: Date | undefined;
  for (const a of list) {
    // RFC 5652 §11: these attributes are single-valued and appear at most once.
    if (seen.has(a.type) && (a.type === OID_CONTENT_TYPE || a.type === OID_MESSAGE_DIGEST || a.type === OID_SIGNING_TIME))
      throw format(`signed attribute ${a.type} appears twice`);
    seen.add(a.type);
    const values: unknown[] = Array.isArray(a.values) ? a.values : [];
    const single = values.length === 1 ? values[0] : undefined;
    if (a.type === OID_CONTENT_TYPE) {
      if (!(single instanceof asn1js.ObjectIdentifier)) throw format('the content-type attribute is not one OBJECT IDENTIFIER');
      attrContentType = single.valueBlock.toString();
    } else if (a.type === OID_MESSAGE_DIGEST) {
      if (!(single instanceof asn1js.OctetString)) throw format('the message-digest attribute is not one OCTET STRING');
      messageDigest = new Uint8Array(single.valueBlock.valueHexView);
    } else if (a.type === OID_SIGNING_TIME) {
      if (!(single instanceof asn1js.UTCTime || single instanceof asn1js.GeneralizedTime))
        throw format('the signing-time attribute is not one UTCTime or GeneralizedTime');
      signingTime = single.toDate();
      if (Number.isNaN(signingTime.getTime())) throw format('the signing-time attribute is not a valid time');
    }
  }
  // RFC 5652 §5.3: with signed attributes, content-type and message-digest are mandatory.
  if (attrContentType === undefined) throw format('the signed attributes lack content-type');
  if (messageDigest === undefined) throw format('the signed attributes lack message-digest');
  if (attrContentType !== contentType)
    throw format(`the content-type attribute (${attrContentType}) differs from eContentType (${contentType})`);
  return { der: new Uint8Array(attrs.encodedValue), contentType: attrContentType, messageDigest, signingTime };
}

function format(message: string, cause?: unknown): MudSignatureError {
  return new MudSignatureError('ERR_MUD_SIGNATURE_FORMAT', message, cause === undefined ? undefined : { cause });
}

function unsupported(what: string): MudSignatureError {
  return new MudSignatureError(
    'ERR_MUD_SIGNATURE_UNSUPPORTED',
    `${what} is not supported (SHA-256/384/512 with ECDSA or RSA PKCS #1 v1.5)`,
  );
}
