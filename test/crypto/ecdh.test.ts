import assert from 'node:assert/strict';
import { ECDH, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { deriveEcdhSecret, type EcdhCurve, exportEcPublicPoint, generateEcdhKeyPair, importEcPublicPoint } from '../../src/crypto/ecdh.ts';
import { CryptoError } from '../../src/crypto/errors.ts';
import { hex, pythonUnavailable, runPython, unhex } from './python/run.ts';

const CURVES: { curve: EcdhCurve; size: number; openssl: string }[] = [
  { curve: 'P-256', size: 32, openssl: 'prime256v1' },
  { curve: 'P-384', size: 48, openssl: 'secp384r1' },
];

const invalid = { code: 'ERR_DH_PUBLIC_INVALID', name: 'CryptoError' };

describe('ECDH', () => {
  for (const { curve, size, openssl } of CURVES) {
    test(`${curve}: both sides derive the same field-size secret from any peer encoding`, () => {
      const a = generateEcdhKeyPair(curve);
      const b = generateEcdhKeyPair(curve);
      assert.equal(a.curve, curve);
      const pointB = exportEcPublicPoint(b.publicKey);
      assert.equal(pointB.length, 1 + 2 * size);
      assert.equal(pointB[0], 0x04);
      const s = deriveEcdhSecret(a.privateKey, b.publicKey);
      assert.equal(s.length, size);
      assert.equal(s.constructor, Uint8Array);
      assert.deepEqual(deriveEcdhSecret(b.privateKey, exportEcPublicPoint(a.publicKey)), s);
      assert.deepEqual(deriveEcdhSecret(a.privateKey, pointB), s);
      const compressed = new Uint8Array(ECDH.convertKey(pointB, openssl, undefined, undefined, 'compressed') as Buffer);
      assert.deepEqual(deriveEcdhSecret(a.privateKey, compressed), s);
      assert.deepEqual(deriveEcdhSecret(a.privateKey, { x: pointB.slice(1, 1 + size), y: pointB.slice(1 + size) }), s);
    });

    test(`${curve}: a point off the curve is ERR_DH_PUBLIC_INVALID`, () => {
      const a = generateEcdhKeyPair(curve);
      const point = exportEcPublicPoint(generateEcdhKeyPair(curve).publicKey);
      point[point.length - 1]! ^= 1;
      const err = assertThrowsCode(() => deriveEcdhSecret(a.privateKey, point), 'ERR_DH_PUBLIC_INVALID');
      assert.ok(err instanceof CryptoError);
      assert.throws(() => importEcPublicPoint(curve, { x: point.slice(1, 1 + size), y: point.slice(1 + size) }), invalid);
    });

    test(`${curve}: malformed encodings are ERR_DH_PUBLIC_INVALID`, () => {
      const a = generateEcdhKeyPair(curve);
      const good = exportEcPublicPoint(generateEcdhKeyPair(curve).publicKey);
      const cases: Uint8Array[] = [
        new Uint8Array(0),
        Uint8Array.of(0x00), // the point at infinity
        good.slice(0, good.length - 1),
        Uint8Array.of(0x05, ...good.slice(1)),
        Uint8Array.of(0x02, ...new Uint8Array(size).fill(0xff)), // x >= p
        new Uint8Array(good.length),
      ];
      for (const c of cases) assert.throws(() => deriveEcdhSecret(a.privateKey, c), invalid, hex(c));
      assert.throws(() => importEcPublicPoint(curve, { x: good.slice(2, 1 + size), y: good.slice(1 + size) }), invalid);
    });

    test(`${curve}: a peer key on another curve or of another type is ERR_DH_PUBLIC_INVALID`, () => {
      const a = generateEcdhKeyPair(curve);
      const other = generateEcdhKeyPair(curve === 'P-256' ? 'P-384' : 'P-256');
      assert.throws(() => deriveEcdhSecret(a.privateKey, other.publicKey), invalid);
      assert.throws(() => deriveEcdhSecret(a.privateKey, a.privateKey), invalid);
      assert.throws(() => deriveEcdhSecret(a.privateKey, generateKeyPairSync('ed25519').publicKey), invalid);
    });
  }

  test('P-256: a coordinate equal to x + p is rejected even though x is on the curve', () => {
    // SEC 1 §2.3.4 requires coordinates below p; find a small x on the curve so x + p still fits 32 bytes.
    const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
    const b = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
    const modpow = (base: bigint, e: bigint): bigint => {
      let r = 1n;
      let x = base % p;
      for (let k = e; k > 0n; k >>= 1n) {
        if (k & 1n) r = (r * x) % p;
        x = (x * x) % p;
      }
      return r;
    };
    let x = 1n;
    let y = 0n;
    for (; ; x++) {
      const rhs = (((x * x * x - 3n * x + b) % p) + p) % p;
      y = modpow(rhs, (p + 1n) / 4n);
      if ((y * y) % p === rhs) break;
    }
    const enc = (v: bigint) => unhex(v.toString(16).padStart(64, '0'));
    const a = generateEcdhKeyPair('P-256');
    assert.equal(deriveEcdhSecret(a.privateKey, { x: enc(x), y: enc(y) }).length, 32);
    assert.throws(() => deriveEcdhSecret(a.privateKey, { x: enc(x + p), y: enc(y) }), invalid);
  });

  test('misuse is a TypeError', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const point = exportEcPublicPoint(generateEcdhKeyPair('P-256').publicKey);
    assert.throws(() => generateEcdhKeyPair('P-521' as EcdhCurve), TypeError);
    assert.throws(() => deriveEcdhSecret(rsa.privateKey, point), TypeError);
    assert.throws(() => deriveEcdhSecret(p521.privateKey, point), TypeError);
    assert.throws(() => deriveEcdhSecret(generateEcdhKeyPair('P-256').publicKey, point), TypeError);
    assert.throws(() => importEcPublicPoint('P-256', 'point' as never), TypeError);
    assert.throws(() => exportEcPublicPoint(rsa.publicKey), TypeError);
  });

  for (const { curve } of CURVES) {
    test(`${curve}: agrees with Python cryptography in both directions`, (t) => {
      const why = pythonUnavailable();
      if (why !== undefined) return t.skip(why);
      const ours = generateEcdhKeyPair(curve);
      const reply = runPython<{ public: string; secret: string }>('ecdh.py', { curve, peer: hex(exportEcPublicPoint(ours.publicKey)) });
      assert.equal(hex(deriveEcdhSecret(ours.privateKey, unhex(reply.public))), reply.secret);
    });
  }
});

function assertThrowsCode(fn: () => unknown, code: string): Error {
  try {
    fn();
  } catch (err) {
    assert.equal((err as { code?: string }).code, code);
    return err as Error;
  }
  assert.fail(`expected ${code}`);
}
