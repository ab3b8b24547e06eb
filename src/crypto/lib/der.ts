/**
 * Recognises which ASN.1 container a DER key or certificate is, from its shape alone, so that
 * errors can name the format and so the right node:crypto import is called. asn1js parses; the
 * shapes are those of RFC 5280 §4.1 (Certificate) and §4.1.2.7 (SubjectPublicKeyInfo), RFC 5958
 * (PKCS #8 OneAsymmetricKey), RFC 5915 (SEC 1 ECPrivateKey) and RFC 8017 Appendix A.1 (PKCS #1).
 */
import * as asn1js from 'asn1js';
import { KeyFormatError, type KeyFormatName } from '../errors.ts';

export type DerKind = 'spki' | 'pkcs8' | 'sec1' | 'pkcs1-public' | 'pkcs1-private' | 'x509';

const UNIVERSAL = 1;
const CONTEXT = 3;
const TAG = { integer: 2, bitString: 3, octetString: 4, oid: 6, sequence: 16 } as const;

/** Parses one DER/BER item that must span all of `der`. Never throws anything but KeyFormatError. */
export function parseAsn1(der: Uint8Array, format: KeyFormatName): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch (cause) {
    // Deeply nested hostile input can exhaust the stack inside the parser.
    throw new KeyFormatError(format, 'ASN.1 could not be parsed', { cause });
  }
  if (parsed.offset === -1 || parsed.result.error)
    throw new KeyFormatError(format, `malformed ASN.1: ${parsed.result.error || 'bad encoding'}`);
  if (parsed.offset !== der.length) throw new KeyFormatError(format, `${der.length - parsed.offset} bytes follow the ASN.1 item`);
  return parsed.result;
}

export function classifyDer(der: Uint8Array): DerKind {
  const root = parseAsn1(der, 'unknown');
  const kids = children(root);
  if (!is(root, UNIVERSAL, TAG.sequence) || kids === undefined) throw new KeyFormatError('unknown', 'DER input is not a SEQUENCE');
  const [a, b, c] = kids;
  const n = kids.length;
  if (n === 3 && is(a, UNIVERSAL, TAG.sequence) && is(b, UNIVERSAL, TAG.sequence) && is(c, UNIVERSAL, TAG.bitString)) return 'x509';
  if (n === 2 && is(a, UNIVERSAL, TAG.sequence) && is(children(a)?.[0], UNIVERSAL, TAG.oid) && is(b, UNIVERSAL, TAG.bitString)) {
    return 'spki';
  }
  if (n >= 3 && is(a, UNIVERSAL, TAG.integer) && is(b, UNIVERSAL, TAG.sequence) && is(c, UNIVERSAL, TAG.octetString)) return 'pkcs8';
  if (n >= 2 && n <= 4 && is(a, UNIVERSAL, TAG.integer) && is(b, UNIVERSAL, TAG.octetString)) {
    if (kids.slice(2).every((k) => is(k, CONTEXT, 0) || is(k, CONTEXT, 1))) return 'sec1';
  }
  if (kids.every((k) => is(k, UNIVERSAL, TAG.integer))) {
    if (n === 2) return 'pkcs1-public';
    if (n >= 9) return 'pkcs1-private';
  }
  throw new KeyFormatError('unknown', 'DER SEQUENCE is not a SubjectPublicKeyInfo, PKCS #8, SEC 1, PKCS #1 key or X.509 certificate');
}

/**
 * The algorithm OID of a SubjectPublicKeyInfo or PKCS #8 key already recognised by classifyDer, or
 * undefined when it cannot be read.
 */
export function keyAlgorithmOid(der: Uint8Array, kind: 'spki' | 'pkcs8'): string | undefined {
  try {
    const kids = children(asn1js.fromBER(der).result);
    const algorithm = children(kids?.[kind === 'spki' ? 0 : 1])?.[0];
    return algorithm instanceof asn1js.ObjectIdentifier ? algorithm.valueBlock.toString() : undefined;
  } catch {
    return undefined;
  }
}

function is(node: asn1js.AsnType | undefined, tagClass: number, tagNumber: number): boolean {
  return node !== undefined && node.idBlock.tagClass === tagClass && node.idBlock.tagNumber === tagNumber;
}

function children(node: asn1js.AsnType | undefined): asn1js.AsnType[] | undefined {
  const value = (node?.valueBlock as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? (value as asn1js.AsnType[]) : undefined;
}
