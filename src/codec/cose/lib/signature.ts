/**
 * Signature algorithms: ECDSA and EdDSA (RFC 9053 §2), their fully specified ids (RFC 9864 §2), RSASSA-PSS (RFC 8230 §2) and
 * RSASSA-PKCS1-v1_5 (RFC 8812 §2), all on node:crypto.
 */
import { constants, type KeyObject, sign, verify } from 'node:crypto';
import { Algorithm, algorithmName } from '../algorithms.ts';
import { derToP1363Signature, p1363ToDerSignature } from '../ecdsa-signature.ts';
import { CoseError } from '../errors.ts';
import type { SignRequest } from '../signing-handle.ts';
import { mismatch } from './keys.ts';

export interface SignatureAlgorithm {
  readonly id: number;
  /** What a signing handle computes for this algorithm. */
  readonly request: SignRequest;
  /** Throws ERR_COSE_KEY_MISMATCH unless the key suits this algorithm. */
  checkKey(key: KeyObject, forSigning: boolean, where: string): void;
  sign(key: KeyObject, data: Uint8Array): Uint8Array;
  verify(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean;
}

// What the key checks need, read once per KeyObject: asymmetricKeyDetails builds a new object on
// every access, which would show in a verify loop.
interface KeyFacts {
  type: string;
  curve?: string | undefined;
  bits?: number | undefined;
}
const FACTS = new WeakMap<KeyObject, KeyFacts>();

function facts(key: KeyObject): KeyFacts {
  let f = FACTS.get(key);
  if (f === undefined) {
    const d = key.asymmetricKeyDetails;
    f = { type: key.asymmetricKeyType ?? 'secret', curve: d?.namedCurve, bits: d?.modulusLength };
    FACTS.set(key, f);
  }
  return f;
}

function checkKind(key: KeyObject, forSigning: boolean, alg: number, where: string): void {
  if (key.type === 'secret') throw mismatch(`${where}: algorithm ${algorithmName(alg)} needs an asymmetric key, got a secret key`);
  if (forSigning && key.type !== 'private') throw mismatch(`${where}: signing with ${algorithmName(alg)} needs a private key`);
}

function ecdsa(id: number, hash: 'sha256' | 'sha384' | 'sha512', curve: string, curveName: string, size: number): SignatureAlgorithm {
  return {
    id,
    request: { scheme: 'ecdsa', hash },
    checkKey(key, forSigning, where) {
      checkKind(key, forSigning, id, where);
      const f = facts(key);
      // RFC 9053 §2.1: the curve is bound to the algorithm; a P-384 key cannot make ES256 signatures.
      if (f.type !== 'ec' || f.curve !== curve) throw mismatch(`${where}: ${algorithmName(id)} needs an EC2 key on ${curveName}`);
    },
    // node:crypto is given the bare KeyObject and DER signatures: an options object ({ key, dsaEncoding })
    // makes it prepare the key again on every call, which costs more than the conversions below.
    // RFC 9053 §2.1: r and s are each `size` octets; any other length does not verify.
    sign: (key, data) => derToP1363Signature(sign(hash, data, key), size),
    verify: (key, data, signature) => signature.length === 2 * size && verify(hash, data, key, p1363ToDerSignature(signature, true)),
  };
}

function rsa(id: number, hash: 'sha256' | 'sha384' | 'sha512', pss: boolean): SignatureAlgorithm {
  const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hash];
  const padding = constants.RSA_PKCS1_PSS_PADDING;
  // PKCS #1 v1.5 is node:crypto's default padding for an 'rsa' key (the only type checkKey admits for
  // RS*), so those get the bare KeyObject; PSS needs its padding and salt length named.
  const opts = (key: KeyObject) => (pss ? { key, padding, saltLength } : key);
  return {
    id,
    request: { scheme: pss ? 'rsa-pss' : 'rsa-pkcs1', hash },
    checkKey(key, forSigning, where) {
      checkKind(key, forSigning, id, where);
      const f = facts(key);
      if (f.type !== 'rsa' && !(pss && f.type === 'rsa-pss')) throw mismatch(`${where}: ${algorithmName(id)} needs an RSA key`);
      // RFC 8230 §6.1 and RFC 8812 §2: keys below 2048 bits are not acceptable.
      if ((f.bits ?? 0) < 2048) throw mismatch(`${where}: ${algorithmName(id)} needs an RSA key of at least 2048 bits`);
    },
    sign: (key, data) => sign(hash, data, opts(key)),
    verify: (key, data, signature) => verify(hash, data, opts(key), signature),
  };
}

const EDDSA: SignatureAlgorithm = {
  id: Algorithm.EdDSA,
  request: { scheme: 'eddsa', hash: null },
  checkKey(key, forSigning, where) {
    checkKind(key, forSigning, Algorithm.EdDSA, where);
    const t = facts(key).type;
    if (t !== 'ed25519' && t !== 'ed448') throw mismatch(`${where}: EdDSA needs an Ed25519 or Ed448 key`);
  },
  sign: (key, data) => sign(null, data, key),
  verify: (key, data, signature) => verify(null, data, key, signature),
};

// RFC 9864 §2.2: Ed25519 is EdDSA restricted to the Ed25519 curve.
const ED25519: SignatureAlgorithm = {
  id: Algorithm.Ed25519,
  request: EDDSA.request,
  checkKey(key, forSigning, where) {
    checkKind(key, forSigning, Algorithm.Ed25519, where);
    if (facts(key).type !== 'ed25519') throw mismatch(`${where}: Ed25519 needs an Ed25519 key`);
  },
  sign: EDDSA.sign,
  verify: EDDSA.verify,
};

const ALGORITHMS = new Map<number, SignatureAlgorithm>(
  [
    ecdsa(Algorithm.ES256, 'sha256', 'prime256v1', 'P-256', 32),
    ecdsa(Algorithm.ES384, 'sha384', 'secp384r1', 'P-384', 48),
    ecdsa(Algorithm.ES512, 'sha512', 'secp521r1', 'P-521', 66),
    // RFC 9864 §2.1: the fully specified ECDSA ids compute exactly as ES256/ES384 on their curves.
    ecdsa(Algorithm.ESP256, 'sha256', 'prime256v1', 'P-256', 32),
    ecdsa(Algorithm.ESP384, 'sha384', 'secp384r1', 'P-384', 48),
    EDDSA,
    ED25519,
    rsa(Algorithm.PS256, 'sha256', true),
    rsa(Algorithm.PS384, 'sha384', true),
    rsa(Algorithm.PS512, 'sha512', true),
    rsa(Algorithm.RS256, 'sha256', false),
    rsa(Algorithm.RS384, 'sha384', false),
    rsa(Algorithm.RS512, 'sha512', false),
  ].map((a) => [a.id, a]),
);

export function signatureAlgorithm(alg: number, where: string): SignatureAlgorithm {
  const a = ALGORITHMS.get(alg);
  if (a === undefined)
    throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: signature algorithm ${algorithmName(alg)} is not supported`);
  return a;
}
