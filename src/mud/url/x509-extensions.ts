/**
 * The extensions of an X.509 v3 certificate (RFC 5280 §4.1), read with the strict DER reader:
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, where
 * TBSCertificate ::= SEQUENCE { version [0] EXPLICIT, serialNumber, signature, issuer, validity,
 * subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT,
 * extensions [3] EXPLICIT } and Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING }. Only the outline is walked: the fields before the extensions are
 * skipped by their tag and length, never decoded.
 */
import { type DerItem, oidText, readChildren, readWhole } from '../../crypto/der-read.ts';

export interface CertificateExtension {
  /** extnID in dotted form. */
  id: string;
  critical: boolean;
  /** The contents of extnValue: the DER of the extension's own value. */
  value: Uint8Array;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const OBJECT_IDENTIFIER = 0x06;
/** RFC 5280 §4.1: the context-specific tags of TBSCertificate. */
const VERSION_TAG = 0xa0;
const ISSUER_UNIQUE_ID_TAGS = [0x81, 0xa1];
const SUBJECT_UNIQUE_ID_TAGS = [0x82, 0xa2];
const EXTENSIONS_TAG = 0xa3;

/** TBSCertificate's fields from serialNumber to subjectPublicKeyInfo, by tag (RFC 5280 §4.1). */
const REQUIRED_FIELDS = [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE];

/**
 * The extensions of a DER certificate in encoded order, empty for a certificate without any.
 * Throws a TypeError when the DER does not have the outline of a certificate.
 */
export function readCertificateExtensions(der: Uint8Array): CertificateExtension[] {
  const certificate = readChildren(readWhole(der, SEQUENCE));
  const tbs = certificate[0];
  if (certificate.length !== 3 || tbs === undefined || tbs.tag !== SEQUENCE)
    throw new TypeError('a Certificate is a SEQUENCE of tbsCertificate, signatureAlgorithm and signatureValue');
  const fields = readChildren(tbs);
  let at = fields[0]?.tag === VERSION_TAG ? 1 : 0;
  for (const tag of REQUIRED_FIELDS) {
    if (fields[at]?.tag !== tag) throw new TypeError(`TBSCertificate field ${at} is not the expected 0x${tag.toString(16)}`);
    at++;
  }
  if (ISSUER_UNIQUE_ID_TAGS.includes(fields[at]?.tag ?? -1)) at++;
  if (SUBJECT_UNIQUE_ID_TAGS.includes(fields[at]?.tag ?? -1)) at++;
  const wrapper = fields[at];
  if (wrapper === undefined) return [];
  if (wrapper.tag !== EXTENSIONS_TAG || at !== fields.length - 1) throw new TypeError('TBSCertificate ends with an unexpected field');
  return readChildren(readWhole(wrapper.contents, SEQUENCE)).map(readExtension);
}

function readExtension(item: DerItem): CertificateExtension {
  if (item.tag !== SEQUENCE) throw new TypeError('an Extension is not a SEQUENCE');
  const parts = readChildren(item);
  const [id, second, third] = parts;
  if (id?.tag !== OBJECT_IDENTIFIER) throw new TypeError('an Extension does not start with its extnID');
  const hasCritical = second?.tag === BOOLEAN;
  const value = hasCritical ? third : second;
  if (value?.tag !== OCTET_STRING || parts.length !== (hasCritical ? 3 : 2))
    throw new TypeError('an Extension is extnID, an optional critical BOOLEAN and extnValue OCTET STRING');
  return { id: oidText(id.contents), critical: hasCritical && criticalValue(second), value: value.contents };
}

/** X.690 §8.2: a BOOLEAN is one octet, zero for FALSE. */
function criticalValue(item: DerItem): boolean {
  if (item.contents.length !== 1) throw new TypeError('a BOOLEAN has one contents octet');
  return item.contents[0] !== 0;
}
