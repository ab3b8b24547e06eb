/**
 * ECDH256 and ECDH384 (FDO 1.1 §3.6.3): ephemeral-ephemeral ECDH on P-256 / P-384.
 *
 *   xAKeyExchange = blen(Ax) || Ax || blen(Ay) || Ay || blen(OwnerRandom) || OwnerRandom
 *   xBKeyExchange = blen(Bx) || Bx || blen(By) || By || blen(DeviceRandom) || DeviceRandom
 *   ShSe = Shx || DeviceRandom || OwnerRandom,   ContextRand = empty
 *
 * blen is a 16-bit big-endian length. The randoms are 128 bits for ECDH256 and 384 bits for
 * ECDH384. Coordinates are sent at the field size; shorter ones are accepted and left-padded
 * because early implementations wrote them as minimal big-endian integers.
 */
import { createECDH } from 'node:crypto';
import { concat } from '../../codec/bytes.ts';
import type { EcdhCurve } from '../../crypto/ecdh.ts';
import type { KexSuiteName } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';
import { draw, leftPad, u16 } from './lib/bytes.ts';
import type { KexFamily } from './lib/kex-family.ts';
import type { SharedSecret } from './types.ts';

interface CurveParams {
  curve: EcdhCurve;
  openssl: string;
  size: number;
  randomLength: number;
  /** The group order n; private scalars are drawn in [1, n-1]. */
  order: bigint;
}

const CURVES: Partial<Record<KexSuiteName, CurveParams>> = {
  ECDH256: {
    curve: 'P-256',
    openssl: 'prime256v1',
    size: 32,
    randomLength: 16,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  ECDH384: {
    curve: 'P-384',
    openssl: 'secp384r1',
    size: 48,
    randomLength: 48,
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

// Rejection sampling (FIPS 186-5 A.2.2): a draw at or above n is thrown away, never reduced, so
// the scalar is uniform. For both curves a retry is needed less than once in 2^32 draws.
const MAX_DRAWS = 64;

export const ecdhKex: KexFamily = {
  ownerStart(suite, options) {
    const c = params(suite);
    const d = options.privateKey === undefined ? drawScalar(c, options.random) : checkScalar(c, options.privateKey);
    const ownerRandom = draw(options.random, c.randomLength);
    return { xA: encodeParam(c, publicPoint(c, d), ownerRandom), secret: d };
  },

  deviceRespond(suite, xA, options) {
    const c = params(suite);
    const a = decodeParam(c, xA, 'xAKeyExchange');
    const d = options.privateKey === undefined ? drawScalar(c, options.random) : checkScalar(c, options.privateKey);
    const deviceRandom = draw(options.random, c.randomLength);
    const xB = encodeParam(c, publicPoint(c, d), deviceRandom);
    return { xB, shared: sharedSecret(c, d, a.point, deviceRandom, a.random) };
  },

  ownerFinish(suite, xA, secret, xB) {
    const c = params(suite);
    const a = decodeParam(c, xA, 'xAKeyExchange');
    const b = decodeParam(c, xB, 'xBKeyExchange');
    return sharedSecret(c, checkScalar(c, secret), b.point, b.random, a.random);
  },

  secretFits(suite, secret) {
    const c = params(suite);
    if (secret.length !== c.size) return false;
    const d = toBigInt(secret);
    return d > 0n && d < c.order;
  },
};

function params(suite: KexSuiteName): CurveParams {
  const c = CURVES[suite];
  if (c === undefined) throw new TypeError(`${suite} is not an ECDH suite`);
  return c;
}

function drawScalar(c: CurveParams, random: (n: number) => Uint8Array): Uint8Array {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const d = draw(random, c.size);
    const v = toBigInt(d);
    if (v > 0n && v < c.order) return d;
  }
  throw new TypeError(`random gave no ${c.curve} scalar in ${MAX_DRAWS} draws; it is not random`);
}

function checkScalar(c: CurveParams, d: Uint8Array): Uint8Array {
  if (!(d instanceof Uint8Array) || d.length !== c.size) throw new TypeError(`${c.curve} private scalar must be ${c.size} bytes`);
  const v = toBigInt(d);
  if (v === 0n || v >= c.order) throw new TypeError(`${c.curve} private scalar must be in [1, n-1]`);
  return d;
}

/** The uncompressed point d·G (0x04 || X || Y). */
function publicPoint(c: CurveParams, d: Uint8Array): Uint8Array {
  const ecdh = createECDH(c.openssl);
  ecdh.setPrivateKey(d);
  return new Uint8Array(ecdh.getPublicKey());
}

function encodeParam(c: CurveParams, point: Uint8Array, random: Uint8Array): Uint8Array {
  const x = point.subarray(1, 1 + c.size);
  const y = point.subarray(1 + c.size);
  return concat([u16(x.length), x, u16(y.length), y, u16(random.length), random]);
}

function decodeParam(c: CurveParams, bytes: Uint8Array, what: string): { point: Uint8Array; random: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  const fields: Uint8Array[] = [];
  let at = 0;
  for (const name of ['X', 'Y', 'random']) {
    if (bytes.length - at < 2) throw malformed(what, `ends before blen(${name})`);
    const n = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
    at += 2;
    if (bytes.length - at < n) throw malformed(what, `blen(${name}) is ${n}, only ${bytes.length - at} bytes follow`);
    fields.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (at !== bytes.length) throw malformed(what, `${bytes.length - at} bytes after the random`);
  const [x, y, random] = fields as [Uint8Array, Uint8Array, Uint8Array];
  for (const [name, v] of [
    ['X', x],
    ['Y', y],
  ] as const) {
    if (v.length === 0 || v.length > c.size) throw malformed(what, `${name} is ${v.length} bytes; ${c.curve} needs 1 to ${c.size}`);
  }
  if (random.length !== c.randomLength) throw malformed(what, `random is ${random.length} bytes; ${c.curve} uses ${c.randomLength}`);
  return { point: concat([new Uint8Array([4]), leftPad(x, c.size), leftPad(y, c.size)]), random };
}

/**
 * Shx, the x-coordinate of d·B (SP 800-56A §5.7.1.2), from the scalar and the peer's point by
 * node's ECDH: OpenSSL decodes the point (SEC 1 §2.3.4) and refuses one that is not on the curve;
 * both curves have cofactor 1, and an uncompressed point cannot encode infinity, so an accepted
 * point is in the right group. No KeyObject is made for the ephemeral keys.
 */
function sharedSecret(
  c: CurveParams,
  d: Uint8Array,
  peerPoint: Uint8Array,
  deviceRandom: Uint8Array,
  ownerRandom: Uint8Array,
): SharedSecret {
  const ecdh = createECDH(c.openssl);
  ecdh.setPrivateKey(d);
  let shx: Uint8Array;
  try {
    shx = new Uint8Array(ecdh.computeSecret(peerPoint));
  } catch (cause) {
    throw sessionError('ERR_FDO_KEX_PUBLIC_INVALID', `peer's ${c.curve} point is not on the curve`, cause);
  }
  return { shSe: concat([shx, deviceRandom, ownerRandom]), contextRand: new Uint8Array(0) };
}

function malformed(what: string, detail: string) {
  return sessionError('ERR_FDO_KEX_MALFORMED', `${what}: ${detail}`);
}

function toBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}
