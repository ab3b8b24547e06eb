/**
 * PKCS #10 certification requests (RFC 2986), as FDO DI carries them in DeviceMfgInfo: the device
 * proves it holds its attestation key, and the manufacturer certifies that key. A small DER
 * writer writes the structure (asn1js is the tests' oracle) and a strict DER reader reads it;
 * node:crypto verifies, and signs with a KeyObject, while a key handle signs in its keystore.
 */
import { type KeyObject, verify } from 'node:crypto';
import { p1363ToDerSignature } from '../codec/cose/ecdsa-signature.ts';
import { oidText, readChildren, readWhole } from './der-read.ts';
import { CryptoError } from './errors.ts';
import { publicKeyFromSpki } from './key-pem-import.ts';
import { bitString, DerTag, objectIdentifier, sequence, tlv, utf8String } from './lib/der-write.ts';
import { isPrivateKeyLike, keyDetailsOf, type PrivateKeyLike, signWith, spkiOf } from './private-key-handle.ts';

const SIGNATURES: Readonly<Record<string, { hash: 'sha256' | 'sha384' | 'sha512'; key: 'ec' | 'rsa' }>> = {
  '1.2.840.10045.4.3.2': { hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', key: 'ec' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', key: 'rsa' },
};

/** RFC 2986 §4.1: attributes [0] IMPLICIT SET OF Attribute (constructed, context-specific 0). */
const ATTRIBUTES_TAG = 0xa0;

const csrError = (what: string, cause?: unknown) =>
  new CryptoError('ERR_CSR_INVALID', `certification request: ${what}`, cause === undefined ? undefined : { cause });

/** RFC 2986 §4.1 version 0, and X.520 id-at-commonName (RFC 5280 Appendix A.1). */
const VERSION_0 = Uint8Array.of(DerTag.INTEGER, 1, 0);
const ID_AT_COMMON_NAME = objectIdentifier('2.5.4.3');
/** RFC 2986 §4.1: no attributes, an empty [0] IMPLICIT SET. */
const NO_ATTRIBUTES = Uint8Array.of(ATTRIBUTES_TAG, 0);

/**
 * A DER certification request for `privateKey`, with a subject of one commonName (UTF8String), no
 * attributes, signed with the key's own hash size (SHA-384 for P-384 and RSA-3072 up).
 */
export function createCertificationRequest(privateKey: PrivateKeyLike, commonName: string): Uint8Array {
  if (!isPrivateKeyLike(privateKey)) throw new TypeError('createCertificationRequest needs a private KeyObject or a KeyHandle');
  const d = keyDetailsOf(privateKey);
  if (d.type === 'ed25519') throw new TypeError('FDO device keys are EC or RSA');
  const strong = (d.type === 'ec' && d.curve !== 'P-256') || (d.type === 'rsa' && d.modulusBits >= 3072);
  const oid =
    d.type === 'ec' ? (strong ? '1.2.840.10045.4.3.3' : '1.2.840.10045.4.3.2') : strong ? '1.2.840.113549.1.1.12' : '1.2.840.113549.1.1.11';
  // Name ::= SEQUENCE OF RelativeDistinguishedName (a SET of one AttributeTypeAndValue).
  const subject = sequence(tlv(DerTag.SET, sequence(ID_AT_COMMON_NAME, utf8String(commonName))));
  const info = sequence(VERSION_0, subject, spkiOf(privateKey), NO_ATTRIBUTES);
  const hash = (SIGNATURES[oid] as { hash: 'sha256' | 'sha384' | 'sha512' }).hash;
  const raw = signWith(privateKey, { scheme: d.type === 'ec' ? 'ecdsa' : 'rsa-pkcs1', hash }, info);
  const signature = d.type === 'ec' ? p1363ToDerSignature(raw) : raw;
  // RFC 5758 §3.2: ecdsa-with-SHA* has no parameters; RFC 4055 §5: the RSA ones a NULL.
  const algorithm = d.type === 'rsa' ? sequence(objectIdentifier(oid), Uint8Array.of(DerTag.NULL, 0)) : sequence(objectIdentifier(oid));
  return sequence(info, algorithm, bitString(signature));
}

/**
 * Reads a certification request and checks its self-signature; returns the public key it
 * certifies. Anything else (parse failure, unknown algorithm, bad signature) is ERR_CSR_INVALID.
 *
 * RFC 2986 §4: CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm
 * AlgorithmIdentifier, signature BIT STRING }, and CertificationRequestInfo ::= SEQUENCE { version
 * INTEGER, subject Name, subjectPKInfo SubjectPublicKeyInfo, attributes [0] }. The signature covers
 * the DER of certificationRequestInfo as received.
 */
export function readCertificationRequest(der: Uint8Array): { publicKey: KeyObject } {
  let parts: { info: Uint8Array; spki: Uint8Array; algorithm: string; signature: Uint8Array };
  try {
    parts = csrParts(der);
  } catch (e) {
    throw csrError('not a DER PKCS #10 certification request', e);
  }
  const alg = SIGNATURES[parts.algorithm];
  if (alg === undefined) throw csrError(`signature algorithm ${parts.algorithm} is not supported`);
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromSpki(parts.spki);
  } catch (e) {
    throw csrError('the subject public key does not decode', e);
  }
  const kind = publicKey.asymmetricKeyType;
  if (kind !== alg.key) throw csrError(`a ${kind ?? 'unknown'} key signed with a ${alg.key} algorithm`);
  let ok = false;
  try {
    ok = verify(alg.hash, parts.info, publicKey, parts.signature);
  } catch (e) {
    throw csrError('the signature does not verify', e);
  }
  if (!ok) throw csrError('the signature does not verify');
  return { publicKey };
}

/** The signed bytes, subject key, signature algorithm OID and signature of a DER request; TypeError when malformed. */
function csrParts(der: Uint8Array): { info: Uint8Array; spki: Uint8Array; algorithm: string; signature: Uint8Array } {
  const outer = readChildren(readWhole(der, DerTag.SEQUENCE));
  const [info, algorithm, signature] = outer;
  if (outer.length !== 3 || info?.tag !== DerTag.SEQUENCE || algorithm?.tag !== DerTag.SEQUENCE || signature?.tag !== DerTag.BIT_STRING)
    throw new TypeError('not SEQUENCE { info, algorithm, signature }');
  const fields = readChildren(info);
  const [version, subject, spki, attributes] = fields;
  if (
    fields.length !== 4 ||
    version?.tag !== DerTag.INTEGER ||
    subject?.tag !== DerTag.SEQUENCE ||
    spki?.tag !== DerTag.SEQUENCE ||
    attributes?.tag !== ATTRIBUTES_TAG
  )
    throw new TypeError('certificationRequestInfo is not { version, subject, subjectPKInfo, [0] attributes }');
  readChildren(subject);
  readChildren(attributes);
  const oid = readChildren(algorithm)[0];
  if (oid?.tag !== DerTag.OBJECT_IDENTIFIER) throw new TypeError('signatureAlgorithm has no OID');
  if (signature.contents[0] !== 0 || signature.contents.length < 2) throw new TypeError('signature is not a whole-octet BIT STRING');
  return { info: info.bytes, spki: spki.bytes, algorithm: oidText(oid.contents), signature: signature.contents.subarray(1) };
}
