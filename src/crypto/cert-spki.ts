/**
 * The SubjectPublicKeyInfo of an X.509 certificate, read straight from its DER (RFC 5280 §4.1)
 * without decoding the rest: comparing device keys across a fleet needs only these bytes, and
 * node's X509Certificate decodes the whole certificate and re-encodes the key to give them.
 *
 * The bytes are the SPKI as the certificate encodes it. DER gives one encoding per RSA key and per
 * uncompressed EC point; an EC point in compressed form (SEC 1 §2.3.3) is another encoding of the
 * same key, which node's export would turn into the uncompressed one.
 */
import { type DerItem, readItem, readWhole } from './der-read.ts';
import { CryptoError } from './errors.ts';
import { DEFAULT_CERTIFICATE_LIMITS } from './x509-parse.ts';

/** X.690 §8.1.2 identifier octets of the types the walk meets. */
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
/** RFC 5280 §4.1: `version [0] EXPLICIT Version DEFAULT v1`, absent in a v1 certificate. */
const VERSION_TAG = 0xa0;

/**
 * The DER SubjectPublicKeyInfo of certificate `der` (a copy). Fails with ERR_CRYPTO_INPUT_TOO_LARGE
 * over `maxBytes` (default 64 KiB, as certificates are parsed elsewhere) and with ERR_CERT_FORMAT
 * when the bytes are not a DER certificate as far as the key.
 */
export function certificateSpki(der: Uint8Array, maxBytes: number = DEFAULT_CERTIFICATE_LIMITS.maxCertificateBytes): Uint8Array {
  if (!(der instanceof Uint8Array)) throw new TypeError('certificateSpki: der is a Uint8Array');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError('certificateSpki: maxBytes is a positive integer');
  if (der.length > maxBytes) throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `certificate of ${der.length} bytes, over ${maxBytes}`);
  try {
    return spkiOf(der).bytes.slice();
  } catch (cause) {
    if (!(cause instanceof TypeError)) throw cause;
    throw new CryptoError('ERR_CERT_FORMAT', `certificate: ${cause.message}`, { cause });
  }
}

/** Walks Certificate → TBSCertificate → subjectPublicKeyInfo, checking each tag on the way. */
function spkiOf(der: Uint8Array): DerItem {
  const certificate = readWhole(der, SEQUENCE);
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
  const tbs = expect(readItem(certificate.contents, 0), SEQUENCE, 'tbsCertificate');
  const signatureAlgorithm = expect(readItem(certificate.contents, tbs.bytes.length), SEQUENCE, 'signatureAlgorithm');
  const signed = tbs.bytes.length + signatureAlgorithm.bytes.length;
  const signatureValue = expect(readItem(certificate.contents, signed), BIT_STRING, 'signatureValue');
  if (signed + signatureValue.bytes.length !== certificate.contents.length) throw new TypeError('certificate has more than three parts');
  let at = 0;
  const next = (tag: number, name: string): DerItem => {
    const item = expect(readItem(tbs.contents, at), tag, name);
    at += item.bytes.length;
    return item;
  };
  if (tbs.contents[0] === VERSION_TAG) next(VERSION_TAG, 'version');
  next(INTEGER, 'serialNumber');
  next(SEQUENCE, 'signature');
  next(SEQUENCE, 'issuer');
  next(SEQUENCE, 'validity');
  next(SEQUENCE, 'subject');
  const spki = next(SEQUENCE, 'subjectPublicKeyInfo');
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const algorithm = expect(readItem(spki.contents, 0), SEQUENCE, 'subjectPublicKeyInfo.algorithm');
  const key = expect(readItem(spki.contents, algorithm.bytes.length), BIT_STRING, 'subjectPublicKey');
  if (algorithm.bytes.length + key.bytes.length !== spki.contents.length)
    throw new TypeError('subjectPublicKeyInfo has more than an algorithm and a key');
  if (key.contents.length < 2) throw new TypeError('subjectPublicKey is empty');
  return spki;
}

function expect(item: DerItem, tag: number, name: string): DerItem {
  if (item.tag !== tag) throw new TypeError(`${name} has tag 0x${item.tag.toString(16)}, not 0x${tag.toString(16)}`);
  return item;
}
