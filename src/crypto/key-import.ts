/**
 * Imports public and private keys from any encoding IoTopia meets: PEM or DER SubjectPublicKeyInfo,
 * PKCS #8, SEC 1 (RFC 5915) and PKCS #1, the public key of an X.509 certificate, and COSE_Key (via
 * src/codec/cose). node:crypto does the decoding; this module recognises the format first so that
 * a failure names it, and refuses key types IoTopia does not support.
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { coseKeyToKeyObject, decodeCoseKey } from '../codec/cose/key.ts';
import { CryptoError, KeyFormatError } from './errors.ts';
import { describeKey } from './key-describe.ts';
import { type DetectedKeyFormat, detectKeyFormat, type KeyFormat } from './key-format.ts';
import { privateKeyFromPkcs8, publicKeyFromSpki } from './key-pem-import.ts';
import { keyAlgorithmOid } from './lib/der.ts';

export interface ImportKeyOptions {
  /** Accept only this format; anything else is ERR_KEY_FORMAT. */
  format?: KeyFormat;
}

const PUBLIC_FORMATS: readonly KeyFormat[] = ['spki', 'pkcs1-public', 'x509', 'cose-key'];
const PRIVATE_FORMATS: readonly KeyFormat[] = ['pkcs8', 'sec1', 'pkcs1-private', 'cose-key'];

/**
 * A public key from SPKI, PKCS #1 RSAPublicKey, an X.509 certificate or a COSE_Key (PEM or binary).
 * A private key encoding is ERR_KEY_FORMAT: deriving the public half silently would hide mistakes.
 */
export function importPublicKey(input: Uint8Array | string, options: ImportKeyOptions = {}): KeyObject {
  const found = detect(input, options, PUBLIC_FORMATS, 'public key');
  const der = Buffer.from(found.bytes);
  let key: KeyObject;
  switch (found.format) {
    case 'spki':
      key = viaNode('spki', der, () => publicKeyFromSpki(der));
      break;
    case 'pkcs1-public':
      key = viaNode('pkcs1-public', der, () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
      break;
    case 'x509':
      key = viaNode('x509', der, () => new X509Certificate(der).publicKey);
      break;
    default:
      key = fromCoseKey(found.bytes, false);
  }
  describeKey(key);
  return key;
}

/** A private key from PKCS #8, SEC 1 ECPrivateKey, PKCS #1 RSAPrivateKey or a COSE_Key with `d`. */
export function importPrivateKey(input: Uint8Array | string, options: ImportKeyOptions = {}): KeyObject {
  const found = detect(input, options, PRIVATE_FORMATS, 'private key');
  const der = Buffer.from(found.bytes);
  let key: KeyObject;
  switch (found.format) {
    case 'pkcs8':
      key = viaNode('pkcs8', der, () => privateKeyFromPkcs8(der));
      break;
    case 'sec1':
      key = viaNode('sec1', der, () => createPrivateKey({ key: der, format: 'der', type: 'sec1' }));
      break;
    case 'pkcs1-private':
      key = viaNode('pkcs1-private', der, () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
      break;
    default:
      key = fromCoseKey(found.bytes, true);
  }
  describeKey(key);
  return key;
}

function detect(input: Uint8Array | string, options: ImportKeyOptions, allowed: readonly KeyFormat[], what: string): DetectedKeyFormat {
  const found = detectKeyFormat(input);
  if (options.format !== undefined && found.format !== options.format) {
    throw new KeyFormatError(options.format, `input is ${found.format}, not ${options.format}`);
  }
  if (!allowed.includes(found.format)) throw new KeyFormatError(found.format, `holds no ${what}`);
  return found;
}

// id-ecPublicKey, rsaEncryption, id-Ed25519: the algorithms of the key types IoTopia supports.
const SUPPORTED_ALGORITHMS: ReadonlySet<string> = new Set(['1.2.840.10045.2.1', '1.2.840.113549.1.1.1', '1.3.101.112']);

function viaNode(format: KeyFormat, der: Uint8Array, run: () => KeyObject): KeyObject {
  try {
    return run();
  } catch (cause) {
    // A key of an algorithm IoTopia does not use is unsupported, not malformed, even when OpenSSL
    // cannot read it either.
    if (format === 'spki' || format === 'pkcs8') {
      const oid = keyAlgorithmOid(der, format);
      if (oid !== undefined && !SUPPORTED_ALGORITHMS.has(oid)) {
        throw new CryptoError('ERR_KEY_UNSUPPORTED', `${format}: key algorithm ${oid} is not supported`, { cause });
      }
    }
    throw new KeyFormatError(format, 'rejected by the crypto library', { cause });
  }
}

function fromCoseKey(bytes: Uint8Array, wantPrivate: boolean): KeyObject {
  let key: KeyObject;
  try {
    key = coseKeyToKeyObject(decodeCoseKey(bytes), { private: wantPrivate });
  } catch (cause) {
    if (cause instanceof TypeError) throw cause;
    throw new KeyFormatError('cose-key', (cause as Error).message, { cause });
  }
  if (key.type === 'secret') throw new CryptoError('ERR_KEY_UNSUPPORTED', 'cose-key: symmetric keys are not public or private keys');
  return key;
}
