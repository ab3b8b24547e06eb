/**
 * DHKEXid14 and DHKEXid15 (FDO 1.1 §3.6.2): finite-field Diffie-Hellman in the RFC 3526 MODP
 * groups 14 (2048-bit) and 15 (3072-bit).
 *
 *   xAKeyExchange = A = g^a mod p,   xBKeyExchange = B = g^b mod p
 *   ShSe = B^a mod p = A^b mod p,    ContextRand = empty
 *
 * The private exponents are 256 bits (group 14) and 768 bits (group 15), twice the security
 * strength of the group. A, B and ShSe are big-endian and, as IoTopia writes them, left-padded to
 * the prime's length; ShSe must be padded because it is the HMAC key of the KDF, where a missing
 * leading zero changes every derived byte. Received values may be shorter (minimal integers) or
 * carry leading zeros (two's-complement encoders); their value is what counts.
 */
import { CryptoError } from '../../crypto/errors.ts';
import { deriveFfdhSecret, type FfdhGroup, generateFfdhKeyPair } from '../../crypto/ffdh.ts';
import type { KexSuiteName } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';
import { draw, stripLeadingZeros } from './lib/bytes.ts';
import type { KexFamily } from './lib/kex-family.ts';

interface GroupParams {
  group: FfdhGroup;
  primeLength: number;
  exponentLength: number;
}

const GROUPS: Partial<Record<KexSuiteName, GroupParams>> = {
  DHKEXid14: { group: 'modp14', primeLength: 256, exponentLength: 32 },
  DHKEXid15: { group: 'modp15', primeLength: 384, exponentLength: 96 },
};

const MAX_DRAWS = 64;

export const dhKex: KexFamily = {
  ownerStart(suite, options) {
    const g = params(suite);
    const a = options.privateKey === undefined ? drawExponent(g, options.random) : checkExponent(g, options.privateKey);
    return { xA: generateFfdhKeyPair(g.group, { privateKey: a }).publicKey, secret: a };
  },

  deviceRespond(suite, xA, options) {
    const g = params(suite);
    const peer = decodeValue(g, xA, 'xAKeyExchange');
    const b = options.privateKey === undefined ? drawExponent(g, options.random) : checkExponent(g, options.privateKey);
    const xB = generateFfdhKeyPair(g.group, { privateKey: b }).publicKey;
    return { xB, shared: { shSe: shared(g, b, peer), contextRand: new Uint8Array(0) } };
  },

  ownerFinish(suite, _xA, secret, xB) {
    const g = params(suite);
    const peer = decodeValue(g, xB, 'xBKeyExchange');
    return { shSe: shared(g, checkExponent(g, secret), peer), contextRand: new Uint8Array(0) };
  },

  secretFits(suite, secret) {
    const g = params(suite);
    return secret.length === g.exponentLength && stripLeadingZeros(secret).length > 0 && !isOne(secret);
  },
};

function params(suite: KexSuiteName): GroupParams {
  const g = GROUPS[suite];
  if (g === undefined) throw new TypeError(`${suite} is not a finite-field DH suite`);
  return g;
}

function drawExponent(g: GroupParams, random: (n: number) => Uint8Array): Uint8Array {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const x = draw(random, g.exponentLength);
    if (stripLeadingZeros(x).length > 0 && !isOne(x)) return x;
  }
  throw new TypeError(`random gave no usable ${g.group} exponent in ${MAX_DRAWS} draws; it is not random`);
}

function checkExponent(g: GroupParams, x: Uint8Array): Uint8Array {
  if (!(x instanceof Uint8Array) || x.length !== g.exponentLength)
    throw new TypeError(`${g.group} exponent must be ${g.exponentLength} bytes`);
  if (stripLeadingZeros(x).length === 0 || isOne(x)) throw new TypeError(`${g.group} exponent must be greater than 1`);
  return x;
}

function isOne(x: Uint8Array): boolean {
  const v = stripLeadingZeros(x);
  return v.length === 1 && v[0] === 1;
}

function decodeValue(g: GroupParams, bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  const v = stripLeadingZeros(bytes);
  if (bytes.length === 0) throw sessionError('ERR_FDO_KEX_MALFORMED', `${what} is empty`);
  if (v.length > g.primeLength)
    throw sessionError('ERR_FDO_KEX_MALFORMED', `${what}: ${v.length} significant bytes, longer than the ${g.group} prime`);
  // Zero stays an (empty) value here so that the range check rejects it as such.
  return v;
}

function shared(g: GroupParams, exponent: Uint8Array, peer: Uint8Array): Uint8Array {
  try {
    return deriveFfdhSecret(g.group, exponent, peer);
  } catch (cause) {
    if (cause instanceof CryptoError)
      throw sessionError('ERR_FDO_KEX_PUBLIC_INVALID', `peer's ${g.group} value is outside 1 < y < p-1`, cause);
    throw cause;
  }
}
