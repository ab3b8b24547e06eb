/**
 * Ephemeral-static and ephemeral-ephemeral ECDH on P-256 and P-384 (FDO's ECDH256 and ECDH384 key
 * exchanges), on node:crypto. Peer points from outside are validated before use: SEC 1 §2.3.4
 * decoding by OpenSSL rejects coordinates outside the field and points off the curve; both curves
 * have cofactor 1, so an on-curve point other than infinity is in the right group.
 */
import { diffieHellman, generateKeyPairSync, KeyObject } from 'node:crypto';
import { concat, plainCopy } from '../codec/bytes.ts';
import { CryptoError } from './errors.ts';
import { publicKeyFromSpki } from './key-pem-import.ts';
import { bitString, objectIdentifier, sequence } from './lib/der-write.ts';

export type EcdhCurve = 'P-256' | 'P-384';

/** Affine coordinates of a point, each exactly the field size (32 or 48 bytes), big-endian. */
export interface EcPointCoordinates {
  x: Uint8Array;
  y: Uint8Array;
}

export interface EcdhKeyPair {
  curve: EcdhCurve;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** RFC 5480 §2.1.1: id-ecPublicKey; §2.1.1.1: the named curves secp256r1 and secp384r1. */
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ecAlgorithm = (curveOid: string) => sequence(objectIdentifier(EC_PUBLIC_KEY), objectIdentifier(curveOid));

/** Per curve: field size, OpenSSL name, and the SubjectPublicKeyInfo AlgorithmIdentifier (RFC 5480 §2.1.1). */
const CURVES: Record<EcdhCurve, { size: number; openssl: string; oid: string; algorithm: Uint8Array }> = {
  'P-256': { size: 32, openssl: 'prime256v1', oid: '1.2.840.10045.3.1.7', algorithm: ecAlgorithm('1.2.840.10045.3.1.7') },
  'P-384': { size: 48, openssl: 'secp384r1', oid: '1.3.132.0.34', algorithm: ecAlgorithm('1.3.132.0.34') },
};

/** Generates an ephemeral key pair for ECDH on `curve`. */
export function generateEcdhKeyPair(curve: EcdhCurve): EcdhKeyPair {
  const c = curveInfo(curve);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: c.openssl });
  return { curve, privateKey, publicKey };
}

/**
 * The ECDH shared secret Z (the x-coordinate of d·Q, field-size bytes, SP 800-56A §5.7.1.2) between
 * our private key and the peer's public key, given as a KeyObject, a SEC 1 encoded point
 * (uncompressed or compressed) or its coordinates. An invalid peer key is ERR_DH_PUBLIC_INVALID.
 */
export function deriveEcdhSecret(privateKey: KeyObject, peerPublicKey: KeyObject | Uint8Array | EcPointCoordinates): Uint8Array {
  const curve = curveOfKey(privateKey, 'private');
  if (curve === undefined) throw new TypeError('privateKey must be a P-256 or P-384 private KeyObject');
  let peer: KeyObject;
  if (isKeyObject(peerPublicKey)) {
    if (peerPublicKey.type !== 'public' || curveOfKey(peerPublicKey, 'public') !== curve) {
      throw new CryptoError('ERR_DH_PUBLIC_INVALID', `peer key is not a ${curve} public key`);
    }
    peer = peerPublicKey;
  } else {
    peer = importEcPublicPoint(curve, peerPublicKey);
  }
  return plainCopy(diffieHellman({ privateKey, publicKey: peer }));
}

/**
 * A validated public key from a SEC 1 encoded point (0x04 || X || Y, or 0x02/0x03 || X) or from its
 * coordinates. Fails with ERR_DH_PUBLIC_INVALID for anything that is not a point of the curve.
 */
export function importEcPublicPoint(curve: EcdhCurve, point: Uint8Array | EcPointCoordinates): KeyObject {
  const c = curveInfo(curve);
  let encoded: Uint8Array;
  if (point instanceof Uint8Array) {
    encoded = point;
    const first = point[0];
    const expected = first === 0x04 ? 1 + 2 * c.size : first === 0x02 || first === 0x03 ? 1 + c.size : -1;
    if (point.length !== expected) {
      throw new CryptoError('ERR_DH_PUBLIC_INVALID', `not a SEC 1 encoded ${curve} point (${point.length} bytes, first byte ${first})`);
    }
  } else if (point !== null && typeof point === 'object' && point.x instanceof Uint8Array && point.y instanceof Uint8Array) {
    if (point.x.length !== c.size || point.y.length !== c.size) {
      throw new CryptoError('ERR_DH_PUBLIC_INVALID', `${curve} coordinates must be ${c.size} bytes each`);
    }
    encoded = concat([new Uint8Array([0x04]), point.x, point.y]);
  } else {
    throw new TypeError('point must be a Uint8Array or { x, y } of Uint8Array');
  }
  try {
    // Wrapping the point in a SubjectPublicKeyInfo lets OpenSSL do the full SEC 1 point validation.
    return publicKeyFromSpki(sequence(c.algorithm, bitString(encoded)));
  } catch (cause) {
    throw new CryptoError('ERR_DH_PUBLIC_INVALID', `not a point on ${curve}`, { cause });
  }
}

/** The uncompressed SEC 1 encoding (0x04 || X || Y) of an EC public key on P-256 or P-384. */
export function exportEcPublicPoint(publicKey: KeyObject): Uint8Array {
  const curve = curveOfKey(publicKey, 'public');
  if (curve === undefined) throw new TypeError('publicKey must be a P-256 or P-384 public KeyObject');
  const jwk = publicKey.export({ format: 'jwk' });
  return concat([new Uint8Array([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

function curveInfo(curve: EcdhCurve) {
  const c = CURVES[curve];
  if (c === undefined) throw new TypeError(`unsupported ECDH curve ${String(curve)}; use P-256 or P-384`);
  return c;
}

function curveOfKey(key: KeyObject, type: 'public' | 'private'): EcdhCurve | undefined {
  if (!isKeyObject(key) || key.type !== type || key.asymmetricKeyType !== 'ec') return undefined;
  const named = key.asymmetricKeyDetails?.namedCurve;
  return named === 'prime256v1' ? 'P-256' : named === 'secp384r1' ? 'P-384' : undefined;
}

function isKeyObject(value: unknown): value is KeyObject {
  return value instanceof KeyObject;
}
