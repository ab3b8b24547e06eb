/**
 * COSE_Key (RFC 9052 §7) to and from node:crypto KeyObjects and JWKs (RFC 7517), for the key types
 * of RFC 9053 §7 (EC2, OKP, Symmetric) and RFC 8230 §4 (RSA).
 */
import { createECDH, createPrivateKey, createPublicKey, createSecretKey, ECDH, type JsonWebKey, type KeyObject } from 'node:crypto';
import { bytesEqual } from '../bytes.ts';
import { decode, encode } from '../cbor.ts';
import { Algorithm } from './algorithms.ts';
import { CoseError } from './errors.ts';
import { Curve, EC2Param, KeyOp, KeyParam, KeyType, OKPParam, RSAParam, SymmetricParam } from './key-parameters.ts';

/** A COSE_Key: integer labels to values, in the CBOR data model of src/codec/cbor.ts. */
export type CoseKey = Map<number, unknown>;

export interface CoseKeyToKeyObjectOptions {
  /**
   * With private parts present: true (or absent) returns the private KeyObject, false the public
   * one. true on a key without private parts is an error.
   */
  private?: boolean;
}

export interface KeyObjectToCoseKeyOptions {
  kid?: Uint8Array;
  alg?: number;
  /** Write the private parameters (d, RSA primes, symmetric k). Off by default. */
  includePrivate?: boolean;
}

// Field sizes of RFC 9053 §7.1/§7.2 curves: coordinates and private scalars are exactly this long.
interface CurveInfo {
  readonly name: keyof typeof Curve;
  readonly kty: number;
  readonly size: number;
  readonly ecdh?: string;
}
const CURVES = new Map<number, CurveInfo>([
  [Curve['P-256'], { name: 'P-256', kty: KeyType.EC2, size: 32, ecdh: 'prime256v1' }],
  [Curve['P-384'], { name: 'P-384', kty: KeyType.EC2, size: 48, ecdh: 'secp384r1' }],
  [Curve['P-521'], { name: 'P-521', kty: KeyType.EC2, size: 66, ecdh: 'secp521r1' }],
  [Curve.X25519, { name: 'X25519', kty: KeyType.OKP, size: 32 }],
  [Curve.Ed25519, { name: 'Ed25519', kty: KeyType.OKP, size: 32 }],
  [Curve.X448, { name: 'X448', kty: KeyType.OKP, size: 56 }],
  [Curve.Ed448, { name: 'Ed448', kty: KeyType.OKP, size: 57 }],
]);
const CURVE_BY_NAME = new Map<string, number>([...CURVES].map(([id, c]) => [c.name, id]));

// RFC 8410 PrivateKeyInfo prefixes: a raw 32-byte private key follows. node cannot import an OKP
// JWK without `x`, while RFC 9053 §7.2 makes `x` optional in a private key.
const PKCS8_PREFIX = new Map<string, string>([
  ['Ed25519', '302e020100300506032b657004220420'],
  ['X25519', '302e020100300506032b656e04220420'],
  ['X448', '3046020100300506032b656f043a0438'],
  ['Ed448', '3047020100300506032b6571043b0439'],
]);

const RSA_PRIVATE = [RSAParam.d, RSAParam.p, RSAParam.q, RSAParam.dP, RSAParam.dQ, RSAParam.qInv] as const;
const RSA_JWK_NAMES: ReadonlyArray<readonly [number, string]> = [
  [RSAParam.n, 'n'],
  [RSAParam.e, 'e'],
  [RSAParam.d, 'd'],
  [RSAParam.p, 'p'],
  [RSAParam.q, 'q'],
  [RSAParam.dP, 'dp'],
  [RSAParam.dQ, 'dq'],
  [RSAParam.qInv, 'qi'],
];

// JOSE algorithm names with the same meaning in COSE; JOSE's ECDH-ES and its key wraps use a
// different KDF from COSE's and are deliberately absent.
const JOSE_ALGS = new Map<string, number>([
  ['ES256', Algorithm.ES256],
  ['ES384', Algorithm.ES384],
  ['ES512', Algorithm.ES512],
  ['EdDSA', Algorithm.EdDSA],
  ['PS256', Algorithm.PS256],
  ['PS384', Algorithm.PS384],
  ['PS512', Algorithm.PS512],
  ['RS256', Algorithm.RS256],
  ['RS384', Algorithm.RS384],
  ['RS512', Algorithm.RS512],
  ['HS256', Algorithm.HMAC_256_256],
  ['HS384', Algorithm.HMAC_384_384],
  ['HS512', Algorithm.HMAC_512_512],
  ['A128GCM', Algorithm.A128GCM],
  ['A192GCM', Algorithm.A192GCM],
  ['A256GCM', Algorithm.A256GCM],
  ['A128KW', Algorithm.A128KW],
  ['A192KW', Algorithm.A192KW],
  ['A256KW', Algorithm.A256KW],
  ['dir', Algorithm.direct],
]);
const JOSE_NAMES = new Map<number, string>([...JOSE_ALGS].map(([name, id]) => [id, name]));

const KEY_OPS_BY_NAME = new Map<string, number>(Object.entries(KeyOp));
const KEY_OP_NAMES = new Map<number, string>([...KEY_OPS_BY_NAME].map(([name, id]) => [id, name]));

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 4, maxContainerLength: 64, maxItems: 512 } as const;

const invalid = (message: string, cause?: unknown): CoseError =>
  new CoseError('ERR_COSE_KEY_INVALID', `invalid COSE_Key: ${message}`, cause === undefined ? undefined : { cause });

/** Decodes and validates a COSE_Key from outside bytes. */
export function decodeCoseKey(bytes: Uint8Array): CoseKey {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeCoseKey expects a Uint8Array');
  let item: unknown;
  try {
    item = decode(bytes, LIMITS);
  } catch (cause) {
    throw invalid('not well-formed CBOR within limits', cause);
  }
  validateCoseKey(item);
  return item;
}

/** Encodes a COSE_Key with its labels in the deterministic order of RFC 8949 §4.2.1. */
export function encodeCoseKey(key: CoseKey): Uint8Array {
  if (!(key instanceof Map)) throw new TypeError('encodeCoseKey expects a Map');
  validateCoseKey(key);
  const labels = [...key.keys()].sort((a, b) => compareLabels(a, b));
  return encode(new Map(labels.map((l) => [l, key.get(l)])));
}

/** Converts a COSE_Key to a node:crypto KeyObject. */
export function coseKeyToKeyObject(key: CoseKey, opts: CoseKeyToKeyObjectOptions = {}): KeyObject {
  if (!(key instanceof Map)) throw new TypeError('coseKeyToKeyObject expects a Map');
  validateCoseKey(key);
  const kty = key.get(KeyParam.kty);
  if (kty === KeyType.Symmetric) return createSecretKey(key.get(SymmetricParam.k) as Uint8Array);
  const jwk = toJwkParts(key);
  const hasPrivate = jwk.d !== undefined;
  if (opts.private === true && !hasPrivate) throw invalid(`private key requested but parameter d (${EC2Param.d}) is absent`);
  try {
    if (hasPrivate && opts.private !== false) return createPrivateKey({ key: jwk, format: 'jwk' });
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
    return createPublicKey({ key: pub, format: 'jwk' });
  } catch (cause) {
    throw invalid(`${jwk.kty === 'RSA' ? 'RSA parameters' : 'point or private scalar'} rejected by the crypto library`, cause);
  }
}

/** Converts a node:crypto KeyObject to a COSE_Key; private parameters only with `includePrivate`. */
export function keyObjectToCoseKey(key: KeyObject, opts: KeyObjectToCoseKeyOptions = {}): CoseKey {
  if (key === null || typeof key !== 'object' || typeof (key as KeyObject).export !== 'function') {
    throw new TypeError('keyObjectToCoseKey expects a KeyObject');
  }
  if (opts.kid !== undefined && !(opts.kid instanceof Uint8Array)) throw new TypeError('kid must be a Uint8Array');
  if (opts.alg !== undefined && !Number.isSafeInteger(opts.alg)) throw new TypeError('alg must be an integer');
  const includePrivate = opts.includePrivate === true;
  const out: CoseKey = new Map();
  if (key.type === 'secret') {
    if (!includePrivate) throw new TypeError('a secret key has no public form: pass includePrivate: true to export it');
    out.set(KeyParam.kty, KeyType.Symmetric);
    addCommon(out, opts);
    out.set(SymmetricParam.k, new Uint8Array(key.export()));
    return out;
  }
  const jwk = (includePrivate && key.type === 'private' ? key : toPublic(key)).export({ format: 'jwk' });
  return jwkPartsToCose(jwk, out, opts, 'keyObjectToCoseKey');
}

/** Converts a JWK (RFC 7517/7518/8037) to a COSE_Key. `kid` becomes its UTF-8 bytes. */
export function jwkToCoseKey(jwk: JsonWebKey & { kid?: string; alg?: string }): CoseKey {
  if (jwk === null || typeof jwk !== 'object') throw new TypeError('jwkToCoseKey expects a JWK object');
  for (const name of ['kty', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'kid', 'alg'] as const) {
    const v = (jwk as Record<string, unknown>)[name];
    if (v !== undefined && typeof v !== 'string') throw invalid(`JWK member "${name}" must be a string`);
  }
  const out: CoseKey = new Map();
  let alg: number | undefined;
  if (jwk.alg !== undefined) {
    alg = JOSE_ALGS.get(jwk.alg);
    if (alg === undefined) throw invalid(`JWK alg "${jwk.alg}" has no COSE equivalent`);
  }
  const kid = jwk.kid === undefined ? undefined : new TextEncoder().encode(jwk.kid);
  let keyOps: number[] | undefined;
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops)) throw invalid('JWK key_ops must be an array');
    keyOps = jwk.key_ops.map((op) => {
      const id = typeof op === 'string' ? KEY_OPS_BY_NAME.get(op) : undefined;
      if (id === undefined) throw invalid(`JWK key_ops entry ${JSON.stringify(op)} is unknown`);
      return id;
    });
  }
  if (jwk.kty === 'oct') {
    out.set(KeyParam.kty, KeyType.Symmetric);
    addCommon(out, { kid, alg, keyOps });
    out.set(SymmetricParam.k, b64u(jwk.k, 'k'));
    validateCoseKey(out);
    return out;
  }
  const result = jwkPartsToCose(jwk, out, { kid, alg, keyOps }, 'JWK');
  validateCoseKey(result);
  return result;
}

/** Converts a COSE_Key to a JWK; `kid` is UTF-8 text when it decodes as such, base64url otherwise. */
export function coseKeyToJwk(key: CoseKey): JsonWebKey {
  if (!(key instanceof Map)) throw new TypeError('coseKeyToJwk expects a Map');
  validateCoseKey(key);
  const jwk: JsonWebKey & { kid?: string; alg?: string } =
    key.get(KeyParam.kty) === KeyType.Symmetric
      ? { kty: 'oct', k: toB64u(key.get(SymmetricParam.k) as Uint8Array) }
      : (toJwkParts(key) as JsonWebKey);
  const kid = key.get(KeyParam.kid);
  if (kid instanceof Uint8Array) jwk.kid = kidText(kid);
  const alg = key.get(KeyParam.alg);
  if (typeof alg === 'number' && JOSE_NAMES.has(alg)) jwk.alg = JOSE_NAMES.get(alg);
  const ops = key.get(KeyParam.keyOps);
  if (Array.isArray(ops)) jwk.key_ops = ops.map((op: number) => KEY_OP_NAMES.get(op) ?? String(op));
  return jwk;
}

/**
 * Checks the structure of a COSE_Key (RFC 9052 §7.1, RFC 9053 §7, RFC 8230 §4): label and value
 * types, required parameters per key type, and lengths fixed by the curve. Throws ERR_COSE_KEY_INVALID
 * naming the parameter.
 */
export function validateCoseKey(key: unknown): asserts key is CoseKey {
  if (!(key instanceof Map)) throw invalid('not a map');
  for (const label of key.keys()) {
    if (typeof label !== 'number' || !Number.isSafeInteger(label)) throw invalid(`label ${String(label)} is not an integer`);
  }
  const kty = key.get(KeyParam.kty);
  if (kty === undefined) throw invalid('kty (1) is missing');
  if (typeof kty !== 'number') throw invalid('kty (1) must be an integer');
  const kid = key.get(KeyParam.kid);
  if (kid !== undefined && !(kid instanceof Uint8Array)) throw invalid('kid (2) must be a byte string');
  const alg = key.get(KeyParam.alg);
  if (alg !== undefined && typeof alg !== 'number' && typeof alg !== 'string') throw invalid('alg (3) must be an integer or text');
  const ops = key.get(KeyParam.keyOps);
  if (ops !== undefined) {
    if (!Array.isArray(ops) || ops.length === 0) throw invalid('key_ops (4) must be a non-empty array');
    for (const op of ops)
      if (typeof op !== 'number' && typeof op !== 'string') throw invalid('key_ops (4) entries must be integers or text');
  }
  const iv = key.get(KeyParam.baseIV);
  if (iv !== undefined && !(iv instanceof Uint8Array)) throw invalid('Base IV (5) must be a byte string');
  switch (kty) {
    case KeyType.EC2:
    case KeyType.OKP:
      return validateCurveKey(key, kty);
    case KeyType.RSA:
      return validateRsaKey(key);
    case KeyType.Symmetric: {
      const k = key.get(SymmetricParam.k);
      if (!(k instanceof Uint8Array) || k.length === 0) throw invalid('k (-1) must be a non-empty byte string');
      return;
    }
    default:
      throw invalid(`kty (1) value ${kty} is not supported`);
  }
}

function validateCurveKey(key: CoseKey, kty: number): void {
  const crv = key.get(EC2Param.crv);
  if (typeof crv !== 'number') throw invalid('crv (-1) must be an integer');
  const info = CURVES.get(crv);
  if (info === undefined) throw invalid(`crv (-1) value ${crv} is not supported`);
  if (info.kty !== kty) throw invalid(`crv (-1) ${info.name} does not belong to kty (1) ${kty}`);
  const x = key.get(EC2Param.x);
  const y = key.get(EC2Param.y);
  const d = key.get(EC2Param.d);
  if (d !== undefined && !(d instanceof Uint8Array && d.length === info.size)) {
    throw invalid(`d (-4) must be a ${info.size}-byte string for ${info.name}`);
  }
  if (x === undefined) {
    if (d === undefined) throw invalid('x (-2) is missing');
  } else if (!(x instanceof Uint8Array && x.length === info.size)) {
    throw invalid(`x (-2) must be a ${info.size}-byte string for ${info.name}`);
  }
  if (kty === KeyType.OKP) {
    if (y !== undefined) throw invalid('y (-3) is not a parameter of an OKP key');
    return;
  }
  if (x === undefined) {
    if (y !== undefined) throw invalid('y (-3) without x (-2)');
    return;
  }
  if (y === undefined) throw invalid('y (-3) is missing');
  if (typeof y !== 'boolean' && !(y instanceof Uint8Array && y.length === info.size)) {
    throw invalid(`y (-3) must be a ${info.size}-byte string or a sign bit for ${info.name}`);
  }
}

function validateRsaKey(key: CoseKey): void {
  for (const [label, name] of RSA_JWK_NAMES) {
    const v = key.get(label);
    if (v !== undefined && !(v instanceof Uint8Array && v.length > 0)) throw invalid(`${name} (${label}) must be a non-empty byte string`);
  }
  if (!key.has(RSAParam.n)) throw invalid('n (-1) is missing');
  if (!key.has(RSAParam.e)) throw invalid('e (-2) is missing');
  if (key.has(RSAParam.other) || key.has(RSAParam.r_i) || key.has(RSAParam.d_i) || key.has(RSAParam.t_i)) {
    throw invalid('multi-prime RSA keys (other, -9) are not supported');
  }
  const present = RSA_PRIVATE.filter((l) => key.has(l));
  if (present.length !== 0 && present.length !== RSA_PRIVATE.length) {
    const missing = RSA_PRIVATE.filter((l) => !key.has(l));
    throw invalid(`RSA private key lacks ${missing.map((l) => `${RSA_JWK_NAMES.find(([x]) => x === l)?.[1]} (${l})`).join(', ')}`);
  }
}

/** The JWK members of a validated EC2, OKP or RSA COSE_Key, completing public parts from d. */
function toJwkParts(key: CoseKey): JsonWebKey {
  const kty = key.get(KeyParam.kty);
  if (kty === KeyType.RSA) {
    const jwk: Record<string, string> = { kty: 'RSA' };
    for (const [label, name] of RSA_JWK_NAMES) {
      const v = key.get(label);
      if (v instanceof Uint8Array) jwk[name] = toB64u(v);
    }
    return jwk;
  }
  const info = CURVES.get(key.get(EC2Param.crv) as number)!;
  const d = key.get(EC2Param.d) as Uint8Array | undefined;
  let x = key.get(EC2Param.x) as Uint8Array | undefined;
  let y = key.get(EC2Param.y) as Uint8Array | boolean | undefined;
  if (kty === KeyType.OKP) {
    if (d !== undefined) {
      const derived = okpPublicFromPrivate(info, d);
      if (x !== undefined && !bytesEqual(x, derived)) throw invalid('x (-2) does not match d (-4)');
      x = derived;
    }
    return { kty: 'OKP', crv: info.name, x: toB64u(x!), ...(d === undefined ? {} : { d: toB64u(d) }) };
  }
  if (typeof y === 'boolean') {
    const point = ecPoint(info, Uint8Array.of(y ? 3 : 2, ...x!), 'x (-2) with sign bit y (-3)');
    y = point.subarray(1 + info.size);
  }
  if (d !== undefined) {
    const point = ecPublicFromPrivate(info, d);
    const dx = point.subarray(1, 1 + info.size);
    const dy = point.subarray(1 + info.size);
    if (x !== undefined && !(bytesEqual(x, dx) && bytesEqual(y as Uint8Array, dy))) throw invalid('x (-2), y (-3) do not match d (-4)');
    x = dx;
    y = dy;
  }
  return { kty: 'EC', crv: info.name, x: toB64u(x!), y: toB64u(y as Uint8Array), ...(d === undefined ? {} : { d: toB64u(d) }) };
}

function ecPoint(info: CurveInfo, compressed: Uint8Array, what: string): Uint8Array {
  try {
    // convertKey decompresses and checks that the point is on the curve.
    return new Uint8Array(ECDH.convertKey(compressed, info.ecdh!, undefined, undefined, 'uncompressed') as Buffer);
  } catch (cause) {
    throw invalid(`${what} is not a point on ${info.name}`, cause);
  }
}

function ecPublicFromPrivate(info: CurveInfo, d: Uint8Array): Uint8Array {
  try {
    const ecdh = createECDH(info.ecdh!);
    ecdh.setPrivateKey(d);
    return new Uint8Array(ecdh.getPublicKey());
  } catch (cause) {
    throw invalid(`d (-4) is not a valid ${info.name} private key`, cause);
  }
}

function okpPublicFromPrivate(info: CurveInfo, d: Uint8Array): Uint8Array {
  try {
    const der = Buffer.concat([Buffer.from(PKCS8_PREFIX.get(info.name)!, 'hex'), d]);
    const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
    return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
  } catch (cause) {
    throw invalid(`d (-4) is not a valid ${info.name} private key`, cause);
  }
}

interface Common {
  kid?: Uint8Array | undefined;
  alg?: number | undefined;
  keyOps?: number[] | undefined;
}

function addCommon(out: CoseKey, c: Common): void {
  if (c.kid !== undefined) out.set(KeyParam.kid, c.kid);
  if (c.alg !== undefined) out.set(KeyParam.alg, c.alg);
  if (c.keyOps !== undefined) out.set(KeyParam.keyOps, c.keyOps);
}

function jwkPartsToCose(jwk: JsonWebKey, out: CoseKey, common: Common, what: string): CoseKey {
  if (jwk.kty === 'EC' || jwk.kty === 'OKP') {
    const crv = jwk.crv === undefined ? undefined : CURVE_BY_NAME.get(jwk.crv);
    if (crv === undefined) throw invalid(`${what} curve ${String(jwk.crv)} is not supported`);
    const kty = jwk.kty === 'EC' ? KeyType.EC2 : KeyType.OKP;
    out.set(KeyParam.kty, kty);
    addCommon(out, common);
    out.set(EC2Param.crv, crv);
    out.set(EC2Param.x, b64u(jwk.x, 'x'));
    if (kty === KeyType.EC2) out.set(EC2Param.y, b64u(jwk.y, 'y'));
    if (jwk.d !== undefined) out.set(OKPParam.d, b64u(jwk.d, 'd'));
    return out;
  }
  if (jwk.kty === 'RSA') {
    out.set(KeyParam.kty, KeyType.RSA);
    addCommon(out, common);
    for (const [label, name] of RSA_JWK_NAMES) {
      const v = (jwk as Record<string, unknown>)[name];
      if (v !== undefined) out.set(label, b64u(v as string, name));
    }
    if ((jwk as { oth?: unknown }).oth !== undefined) throw invalid('multi-prime RSA keys (oth) are not supported');
    return out;
  }
  throw invalid(`${what} key type ${String(jwk.kty)} is not supported`);
}

function toPublic(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

const B64U = /^[A-Za-z0-9_-]*$/;

function b64u(value: string | undefined, name: string): Uint8Array {
  if (value === undefined) throw invalid(`JWK member "${name}" is missing`);
  if (!B64U.test(value) || value.length % 4 === 1) throw invalid(`JWK member "${name}" is not base64url`);
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

function toB64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function kidText(kid: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(kid);
  } catch {
    return toB64u(kid);
  }
}

function compareLabels(a: number, b: number): number {
  // RFC 8949 §4.2.1: bytewise lexicographic order of the encoded labels.
  const ea = encode(a);
  const eb = encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}
