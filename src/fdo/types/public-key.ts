/**
 * FDO 1.1 §3.3.4 PublicKey: `[pkType, pkEnc, pkBody]`. The key types are EC P-256/P-384 and RSA;
 * the encodings are Crypto and X509 (a DER SubjectPublicKeyInfo in a bstr), X5CHAIN (certificates,
 * the key is the leaf's) and COSEKEY (a COSE_Key map).
 */
import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { Algorithm } from '../../codec/cose/algorithms.ts';
import { CoseError } from '../../codec/cose/errors.ts';
import { type CoseKey, coseKeyToKeyObject, keyObjectToCoseKey } from '../../codec/cose/key.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { describeKey } from '../../crypto/key-describe.ts';
import { publicKeyFromSpki } from '../../crypto/key-pem-import.ts';
import { isKeyHandle, keyDetailsOf, type PrivateKeyLike, publicKeyOf } from '../../crypto/private-key-handle.ts';
import { certificateOfDer } from '../../crypto/x509-parse.ts';
import { PublicKeyEncoding, type PublicKeyEncodingNumber, PublicKeyType, type PublicKeyTypeNumber } from '../constants/crypto.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';
import { type CertChain, type CertChainLimits, certChainToX509, parseCertChain } from './cert-chain.ts';
import { asArray, asBstr, asMap, asOneOf } from './read.ts';

type Enc = typeof PublicKeyEncoding;

export type FdoPublicKey =
  | { type: PublicKeyTypeNumber; encoding: Enc['Crypto'] | Enc['X509']; body: Uint8Array }
  | { type: PublicKeyTypeNumber; encoding: Enc['X5CHAIN']; body: CertChain }
  | { type: PublicKeyTypeNumber; encoding: Enc['COSEKEY']; body: CoseKey };

/** Largest DER SubjectPublicKeyInfo accepted (an RSA-8192 key is about 1.1 KB). */
const MAX_SPKI_BYTES = 2048;

const keyError = (where: string, what: string, cause?: unknown) =>
  new FdoError('ERR_FDO_PUBLIC_KEY', ErrorCode.MESSAGE_BODY_ERROR, `${where}: ${what}`, cause === undefined ? undefined : { cause });

/** Reads the structure of a PublicKey. The key material is checked by `publicKeyToKeyObject`. */
export function parsePublicKey(v: unknown, where: string, limits: CertChainLimits = {}): FdoPublicKey {
  const [t, e, body] = asArray(v, 3, where);
  const type = asOneOf(t, PublicKeyType, `${where}.pkType`);
  const encoding = asOneOf(e, PublicKeyEncoding, `${where}.pkEnc`);
  switch (encoding) {
    case PublicKeyEncoding.Crypto:
    case PublicKeyEncoding.X509:
      return { type, encoding, body: asBstr(body, `${where}.pkBody`, { min: 1, max: MAX_SPKI_BYTES }) };
    case PublicKeyEncoding.X5CHAIN:
      return { type, encoding, body: parseCertChain(body, `${where}.pkBody`, limits) };
    default: {
      const map = asMap(body, `${where}.pkBody`);
      for (const k of map.keys()) if (typeof k !== 'number') throw keyError(`${where}.pkBody`, 'COSE_Key label is not an integer');
      return { type, encoding, body: map as CoseKey };
    }
  }
}

/** The CBOR data-model value of a PublicKey, for embedding in a larger structure. */
export function encodePublicKey(pk: FdoPublicKey): [number, number, unknown] {
  return [pk.type, pk.encoding, pk.encoding === PublicKeyEncoding.X5CHAIN ? [...pk.body] : pk.body];
}

export interface PublicKeyMaterial {
  key: KeyObject;
  /** The decoded certificates, for the X5CHAIN encoding. */
  chain?: X509Certificate[];
}

/**
 * The node:crypto key a PublicKey holds, checked against its pkType (curve, RSA size and, for
 * RSA2048RESTR, the exponent). Anything else is ERR_FDO_PUBLIC_KEY.
 */
export function publicKeyToKeyObject(pk: FdoPublicKey, where = 'PublicKey'): PublicKeyMaterial {
  let key: KeyObject;
  let chain: X509Certificate[] | undefined;
  try {
    switch (pk.encoding) {
      case PublicKeyEncoding.Crypto:
      case PublicKeyEncoding.X509:
        key = spkiKeyObject(pk.body);
        break;
      case PublicKeyEncoding.X5CHAIN:
        chain = certChainToX509(pk.body, `${where}.pkBody`);
        key = (chain[0] as X509Certificate).publicKey;
        break;
      default:
        key = coseKeyToKeyObject(pk.body, { private: false });
    }
  } catch (e) {
    if (e instanceof FdoError) throw keyError(where, e.message, e);
    if (e instanceof CoseError) throw keyError(`${where}.pkBody`, `COSE_Key: ${e.message}`, e);
    throw keyError(`${where}.pkBody`, 'not a DER SubjectPublicKeyInfo', e);
  }
  checkKeyType(key, pk.type, where);
  return chain === undefined ? { key } : { key, chain };
}

function checkKeyType(key: KeyObject, type: PublicKeyTypeNumber, where: string): void {
  if (key.type !== 'public') throw keyError(where, 'not a public key');
  let d: ReturnType<typeof describeKey>;
  try {
    d = describeKey(key);
  } catch (e) {
    if (e instanceof CryptoError) throw keyError(where, e.message, e);
    throw e;
  }
  const name = Object.entries(PublicKeyType).find(([, n]) => n === type)?.[0] ?? String(type);
  const fail = (what: string) => keyError(where, `pkType ${name} (${type}) but the key is ${what}`);
  const actual = d.type === 'ec' ? `EC ${d.curve}` : d.type === 'rsa' ? `RSA-${d.modulusBits}` : 'Ed25519';
  switch (type) {
    case PublicKeyType.SECP256R1:
      if (d.type !== 'ec' || d.curve !== 'P-256') throw fail(actual);
      return;
    case PublicKeyType.SECP384R1:
      if (d.type !== 'ec' || d.curve !== 'P-384') throw fail(actual);
      return;
    case PublicKeyType.RSA2048RESTR:
      if (d.type !== 'rsa' || d.modulusBits !== 2048) throw fail(actual);
      if (key.asymmetricKeyDetails?.publicExponent !== 65537n) throw fail('RSA with an exponent other than 65537');
      return;
    default:
      if (d.type !== 'rsa' || (d.modulusBits !== 2048 && d.modulusBits !== 3072)) throw fail(actual);
  }
}

export interface PublicKeyFromKeyObjectOptions {
  /** pkType; by default SECP256R1/SECP384R1 from the curve, RSAPKCS for RSA. */
  type?: PublicKeyTypeNumber;
  encoding: PublicKeyEncodingNumber;
  /** For X5CHAIN: the certificates, leaf first; the leaf must hold `key`. */
  chain?: readonly (X509Certificate | Uint8Array)[];
}

/** Builds a PublicKey for a node:crypto public key (or a private key or key handle: its public half). */
export function publicKeyFromKeyObject(key: PrivateKeyLike, options: PublicKeyFromKeyObjectOptions): FdoPublicKey {
  const pub = publicKeyOf(key);
  const type = options.type ?? defaultType(pub);
  checkKeyType(pub, type, 'PublicKey');
  switch (options.encoding) {
    case PublicKeyEncoding.Crypto:
    case PublicKeyEncoding.X509:
      return { type, encoding: options.encoding, body: spki(pub) };
    case PublicKeyEncoding.X5CHAIN: {
      if (options.chain === undefined || options.chain.length === 0) throw new TypeError('X5CHAIN encoding needs a certificate chain');
      const chain = options.chain.map((c) => (c instanceof X509Certificate ? new Uint8Array(c.raw) : c));
      if (!bytesEqual(spki(certificateOfDer(chain[0] as Uint8Array).publicKey), spki(pub))) {
        throw new TypeError('the first certificate of the chain does not hold the key');
      }
      return { type, encoding: PublicKeyEncoding.X5CHAIN, body: chain };
    }
    case PublicKeyEncoding.COSEKEY:
      return { type, encoding: PublicKeyEncoding.COSEKEY, body: keyObjectToCoseKey(pub) };
    default:
      throw new TypeError(`unknown public key encoding ${String(options.encoding)}`);
  }
}

function defaultType(key: KeyObject): PublicKeyTypeNumber {
  const d = describeKey(key);
  if (d.type === 'ec' && d.curve === 'P-256') return PublicKeyType.SECP256R1;
  if (d.type === 'ec' && d.curve === 'P-384') return PublicKeyType.SECP384R1;
  if (d.type === 'rsa') return PublicKeyType.RSAPKCS;
  throw new TypeError(`no FDO public key type for ${d.type === 'ec' ? d.curve : d.type} keys`);
}

// A server sees the same few owner and manufacturer keys in every voucher: parsing a
// SubjectPublicKeyInfo and exporting one are each done once per key, not once per message.
const SPKI_CACHE_SIZE = 256;
const keysBySpki = new Map<string, KeyObject>();
const spkiByKey = new WeakMap<KeyObject, Uint8Array>();

function spkiKeyObject(der: Uint8Array): KeyObject {
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let key = keysBySpki.get(id);
  if (key === undefined) {
    key = publicKeyFromSpki(der);
    if (keysBySpki.size >= SPKI_CACHE_SIZE) keysBySpki.delete(keysBySpki.keys().next().value as string);
    keysBySpki.set(id, key);
  }
  return key;
}

/** The DER SubjectPublicKeyInfo of a public key; a fresh copy the caller may keep. */
function spki(key: KeyObject): Uint8Array {
  let der = spkiByKey.get(key);
  if (der === undefined) {
    der = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
    spkiByKey.set(key, der);
  }
  return der.slice();
}

const materialOf = (k: FdoPublicKey | PrivateKeyLike): KeyObject =>
  k instanceof KeyObject || isKeyHandle(k) ? publicKeyOf(k) : publicKeyToKeyObject(k).key;

/** True when both hold the same key material, whatever their pkType or encoding. */
export function samePublicKey(a: FdoPublicKey | PrivateKeyLike, b: FdoPublicKey | PrivateKeyLike): boolean {
  return bytesEqual(spki(materialOf(a)), spki(materialOf(b)));
}

/** SHA-256 of the DER SubjectPublicKeyInfo, in hex: the same for every encoding of one key. */
export function publicKeyFingerprint(k: FdoPublicKey | PrivateKeyLike): string {
  return createHash('sha256')
    .update(spki(materialOf(k)))
    .digest('hex');
}

/**
 * The COSE signature algorithm a key of `type` signs with: ES256/ES384 by curve; for RSA the hash
 * follows the modulus (SHA-256 for 2048 bits, SHA-384 for 3072), PKCS #1 v1.5 except for RSAPSS.
 */
export function signatureAlgorithmFor(type: PublicKeyTypeNumber, key: PrivateKeyLike): number {
  const d = keyDetailsOf(key);
  switch (type) {
    case PublicKeyType.SECP256R1:
      return Algorithm.ES256;
    case PublicKeyType.SECP384R1:
      return Algorithm.ES384;
    case PublicKeyType.RSAPSS:
      return d.type === 'rsa' && d.modulusBits >= 3072 ? Algorithm.PS384 : Algorithm.PS256;
    default:
      return d.type === 'rsa' && d.modulusBits >= 3072 ? Algorithm.RS384 : Algorithm.RS256;
  }
}

/** The COSE signature algorithms accepted from a key of `type` (both hash sizes for RSA). */
export function allowedSignatureAlgorithms(type: PublicKeyTypeNumber): number[] {
  switch (type) {
    case PublicKeyType.SECP256R1:
      return [Algorithm.ES256];
    case PublicKeyType.SECP384R1:
      return [Algorithm.ES384];
    case PublicKeyType.RSAPSS:
      return [Algorithm.PS256, Algorithm.PS384];
    default:
      return [Algorithm.RS256, Algorithm.RS384];
  }
}
