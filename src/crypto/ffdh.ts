/**
 * Finite-field Diffie-Hellman on the RFC 3526 MODP groups 14 (2048-bit) and 15 (3072-bit), FDO's
 * DHKEXid14 and DHKEXid15 key exchanges. node:crypto holds the group parameters and does the
 * arithmetic; this module pins the encodings (big-endian, left-padded to the prime's length) and
 * validates the peer's public value.
 *
 * Peer validation is the range check 1 < y < p-1 (SP 800-56A §5.6.2.3.2 partial validation). The
 * RFC 3526 primes are safe primes, so besides the prime-order subgroup the only small subgroups
 * are {1} and {1, p-1}, which the range check excludes; an element outside the prime-order subgroup
 * can reveal at most one bit of an ephemeral private key, not worth the ~40 ms modular
 * exponentiation of a full subgroup check on every session.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  getDiffieHellman,
  type KeyObject,
  type KeyPairKeyObjectResult,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import { plainCopy } from '../codec/bytes.ts';
import { CryptoError } from './errors.ts';
import { bigIntToBytes, bytesToBigInt } from './lib/bytes.ts';

export type FfdhGroup = 'modp14' | 'modp15';

export interface FfdhKeyPair {
  group: FfdhGroup;
  /** The private exponent x, big-endian. */
  privateKey: Uint8Array;
  /** g^x mod p, big-endian, exactly the prime's length (256 or 384 bytes). */
  publicKey: Uint8Array;
}

export interface FfdhGenerateOptions {
  /**
   * A private exponent to use instead of a random one (1 < x < p-1), for deterministic tests and
   * for callers that draw their own randomness. Without it, OpenSSL picks an exponent of twice the
   * group's security strength.
   */
  privateKey?: Uint8Array;
}

interface GroupInfo {
  prime: Uint8Array;
  generator: Uint8Array;
  p: bigint;
  /** The PKCS #3 AlgorithmIdentifier { dhKeyAgreement, DHParameter { p, g } }. */
  algorithm: asn1js.Sequence;
}

const DH_KEY_AGREEMENT = '1.2.840.113549.1.3.1';

// node:crypto supports generateKeyPairSync('dh', { group }), but @types/node has no overload for it.
const generateDhKeyPair = generateKeyPairSync as unknown as (type: 'dh', options: { group: FfdhGroup }) => KeyPairKeyObjectResult;
const groups = new Map<FfdhGroup, GroupInfo>();

/** The RFC 3526 prime p and generator g of `group`, big-endian. */
export function ffdhGroupParameters(group: FfdhGroup): { prime: Uint8Array; generator: Uint8Array } {
  const g = groupInfo(group);
  return { prime: plainCopy(g.prime), generator: plainCopy(g.generator) };
}

/** Generates a key pair in `group`, or computes the public value of a given private exponent. */
export function generateFfdhKeyPair(group: FfdhGroup, options: FfdhGenerateOptions = {}): FfdhKeyPair {
  const g = groupInfo(group);
  let privateKey: KeyObject;
  if (options.privateKey !== undefined) {
    privateKey = importPrivate(g, options.privateKey);
  } else {
    privateKey = generateDhKeyPair('dh', { group }).privateKey;
  }
  const x = innerInteger(privateKey.export({ format: 'der', type: 'pkcs8' }), 'pkcs8');
  const y = innerInteger(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }), 'spki');
  return { group, privateKey: bigIntToBytes(x, byteLength(x)), publicKey: bigIntToBytes(y, g.prime.length) };
}

/**
 * The shared secret g^(xy) mod p, big-endian and left-padded to the prime's length as FDO's ShSe
 * needs it. A peer value outside 1 < y < p-1 is ERR_DH_PUBLIC_INVALID.
 */
export function deriveFfdhSecret(group: FfdhGroup, privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const g = groupInfo(group);
  if (!(peerPublicKey instanceof Uint8Array)) throw new TypeError('peerPublicKey must be a Uint8Array');
  if (peerPublicKey.length > g.prime.length) {
    throw new CryptoError('ERR_DH_PUBLIC_INVALID', `${group} public value is ${peerPublicKey.length} bytes, longer than the prime`);
  }
  const y = bytesToBigInt(peerPublicKey);
  if (y <= 1n || y >= g.p - 1n) throw new CryptoError('ERR_DH_PUBLIC_INVALID', `${group} public value is outside 1 < y < p-1`);
  const spki = new asn1js.Sequence({
    value: [g.algorithm, new asn1js.BitString({ valueHex: asn1js.Integer.fromBigInt(y).toBER() })],
  }).toBER();
  const secret = diffieHellman({
    privateKey: importPrivate(g, privateKey),
    publicKey: createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }),
  });
  return bigIntToBytes(bytesToBigInt(secret), g.prime.length);
}

// Keys travel into OpenSSL as PKCS #8 / SubjectPublicKeyInfo DER with explicit p and g: OpenSSL
// recognises the RFC 3526 parameters as a named group and skips the primality tests that
// createDiffieHellman(prime) runs on every call (hundreds of milliseconds for a 3072-bit prime).
function groupInfo(group: FfdhGroup): GroupInfo {
  if (group !== 'modp14' && group !== 'modp15') throw new TypeError(`unsupported FFDH group ${String(group)}; use modp14 or modp15`);
  let info = groups.get(group);
  if (info === undefined) {
    const dh = getDiffieHellman(group);
    const prime = plainCopy(dh.getPrime());
    const generator = plainCopy(dh.getGenerator());
    const p = bytesToBigInt(prime);
    const algorithm = new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: DH_KEY_AGREEMENT }),
        new asn1js.Sequence({ value: [asn1js.Integer.fromBigInt(p), asn1js.Integer.fromBigInt(bytesToBigInt(generator))] }),
      ],
    });
    info = { prime, generator, p, algorithm };
    groups.set(group, info);
  }
  return info;
}

function importPrivate(g: GroupInfo, privateKey: Uint8Array): KeyObject {
  if (!(privateKey instanceof Uint8Array)) throw new TypeError('privateKey must be a Uint8Array');
  const x = bytesToBigInt(privateKey);
  if (x <= 1n || x >= g.p - 1n) throw new TypeError('privateKey must satisfy 1 < x < p-1');
  const pkcs8 = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), g.algorithm, new asn1js.OctetString({ valueHex: asn1js.Integer.fromBigInt(x).toBER() })],
  }).toBER();
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

/** The INTEGER inside the key container of a DH PKCS #8 or SPKI encoding that OpenSSL produced. */
function innerInteger(der: Uint8Array, type: 'pkcs8' | 'spki'): bigint {
  const outer = asn1js.fromBER(der).result as asn1js.Sequence;
  const container = outer.valueBlock.value[type === 'pkcs8' ? 2 : 1] as asn1js.OctetString | asn1js.BitString;
  const inner = asn1js.fromBER(container.valueBlock.valueHexView).result as asn1js.Integer;
  return inner.toBigInt();
}

function byteLength(v: bigint): number {
  return Math.ceil(v.toString(16).length / 2);
}
