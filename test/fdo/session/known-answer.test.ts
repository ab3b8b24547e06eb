/**
 * Known answers for the key exchanges and the session keys, computed independently: Python's
 * cryptography builds xA, xB and ShSe from the same private values and randoms (the MODP primes
 * from their RFC 3526 definition), decrypts ASYMKEX's xB, and runs the KDF with its own SP 800-108
 * implementation. A few answers are pinned here so the suite checks something without Python.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { CipherSuite } from '../../../src/fdo/constants/crypto.ts';
import { deviceRespondKex } from '../../../src/fdo/session/device-kex.ts';
import { createOwnerKex, ownerFinishKex } from '../../../src/fdo/session/owner-kex.ts';
import { deriveSessionKeys } from '../../../src/fdo/session/session-keys.ts';
import type { SharedSecret } from '../../../src/fdo/session/types.ts';
import { fixedRandom } from '../../helpers/random.ts';
import { hex, unhex } from './helpers.ts';
import { pythonUnavailable, runPython } from './python/run.ts';

const skip = pythonUnavailable();

// Private values and randoms. Scalars are below the curve orders; exponents are 256 / 768 bits.
const V = {
  ecdh256: {
    ownerPrivate: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
    ownerRandom: '000102030405060708090a0b0c0d0e0f',
    devicePrivate: '519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464',
    deviceRandom: 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
  },
  ecdh384: {
    ownerPrivate: '6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5',
    ownerRandom: '11'.repeat(48),
    devicePrivate: '52d1791fdb4b70f89c0f00d456c2f7023b6125262c36a7df1f80231121cce3d39be52e00c194a4132c4a6c768bcd94d2',
    deviceRandom: '22'.repeat(48),
  },
  dh14: { a: '7f'.repeat(32), b: `${'3c'.repeat(31)}01` },
  dh15: { a: '5a'.repeat(96), b: '0f'.repeat(96) },
  asym: { ownerRandom: '33'.repeat(32), deviceRandom: '44'.repeat(32) },
};

// KDF parameters per suite as FDO 1.1 §3.6.4/§3.6.5 give them: PRF and |SEK| + |SVK| in bytes.
const KDF_PARAMS: [number, 'sha256' | 'sha384', number][] = [
  [CipherSuite.A128GCM, 'sha256', 16],
  [CipherSuite.A256GCM, 'sha256', 32],
  [CipherSuite.AES_CCM_64_128_128, 'sha256', 16],
  [CipherSuite.AES_CCM_64_128_256, 'sha256', 32],
  [CipherSuite.COSEAES128CBC, 'sha256', 16 + 32],
  [CipherSuite.COSEAES128CTR, 'sha256', 16 + 32],
  [CipherSuite.COSEAES256CBC, 'sha384', 32 + 64],
  [CipherSuite.COSEAES256CTR, 'sha384', 32 + 64],
];

function ecdh(v: typeof V.ecdh256) {
  const owner = createOwnerKex(v.ownerRandom.length === 32 ? 'ECDH256' : 'ECDH384', {
    random: fixedRandom(unhex(v.ownerPrivate), unhex(v.ownerRandom)),
  });
  const device = deviceRespondKex(owner.state.suite, owner.xA, { random: fixedRandom(unhex(v.devicePrivate), unhex(v.deviceRandom)) });
  return { xA: owner.xA, xB: device.xB, secret: ownerFinishKex(owner.state, device.xB), deviceSecret: device.sharedSecret };
}

function dh(suite: 'DHKEXid14' | 'DHKEXid15', v: { a: string; b: string }) {
  const owner = createOwnerKex(suite, { random: fixedRandom(unhex(v.a)) });
  const device = deviceRespondKex(suite, owner.xA, { random: fixedRandom(unhex(v.b)) });
  return { xA: owner.xA, xB: device.xB, secret: ownerFinishKex(owner.state, device.xB), deviceSecret: device.sharedSecret };
}

const material = (secret: SharedSecret, suite: number) => {
  const k = deriveSessionKeys(secret, suite);
  return hex(new Uint8Array([...k.sek, ...k.svk]));
};

describe('known answers without Python (pinned from the Python cross-check)', () => {
  test('ECDH256: ShSe and the A128GCM / COSEAES256CTR key material', () => {
    const r = ecdh(V.ecdh256);
    assert.equal(hex(r.secret.shSe), PINNED.ecdh256.shSe);
    assert.equal(material(r.secret, CipherSuite.A128GCM), PINNED.ecdh256.a128gcm);
    assert.equal(material(r.secret, CipherSuite.COSEAES256CTR), PINNED.ecdh256.aes256ctr);
  });

  test('DHKEXid14: ShSe digest and the COSEAES128CBC key material', () => {
    const r = dh('DHKEXid14', V.dh14);
    assert.equal(hex(r.secret.shSe).slice(0, 64), PINNED.dh14.shSePrefix);
    assert.equal(material(r.secret, CipherSuite.COSEAES128CBC), PINNED.dh14.aes128cbc);
  });
});

describe('known answers against Python cryptography', { skip }, () => {
  test('ECDH256 and ECDH384: xA, xB and ShSe = Shx || DeviceRandom || OwnerRandom', () => {
    const ours = [ecdh(V.ecdh256), ecdh(V.ecdh384)];
    const py = runPython<{ ecdh: { xA: string; xB: string; shSe: string }[] }>('kex_kat.py', {
      ecdh: [
        { curve: 'P-256', ...V.ecdh256 },
        { curve: 'P-384', ...V.ecdh384 },
      ],
    });
    ours.forEach((r, i) => {
      assert.equal(hex(r.xA), py.ecdh[i]?.xA);
      assert.equal(hex(r.xB), py.ecdh[i]?.xB);
      assert.equal(hex(r.secret.shSe), py.ecdh[i]?.shSe);
      assert.deepEqual(r.deviceSecret, r.secret);
    });
  });

  test('DHKEXid14 and DHKEXid15: A, B and ShSe padded to the prime, with the RFC 3526 primes rebuilt from pi', () => {
    const ours = [dh('DHKEXid14', V.dh14), dh('DHKEXid15', V.dh15)];
    const py = runPython<{ dh: { prime: string; xA: string; xB: string; shSe: string }[] }>('kex_kat.py', {
      dh: [
        { group: 14, ...V.dh14 },
        { group: 15, ...V.dh15 },
      ],
    });
    ours.forEach((r, i) => {
      assert.equal(hex(r.xA), py.dh[i]?.xA);
      assert.equal(hex(r.xB), py.dh[i]?.xB);
      assert.equal(hex(r.secret.shSe), py.dh[i]?.shSe);
    });
  });

  test('ASYMKEX2048: xB is RSA-OAEP (SHA-256, MGF1-SHA-256) of DeviceRandom to the owner key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const owner = createOwnerKex('ASYMKEX2048', { random: fixedRandom(unhex(V.asym.ownerRandom)), ownerKey: publicKey });
    const device = deviceRespondKex('ASYMKEX2048', owner.xA, {
      random: fixedRandom(unhex(V.asym.deviceRandom)),
      ownerPublicKey: publicKey,
    });
    const py = runPython<{ asym: { deviceRandom: string }[] }>('kex_kat.py', {
      asym: [{ privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }), xB: hex(device.xB) }],
    });
    assert.equal(py.asym[0]?.deviceRandom, V.asym.deviceRandom);
    const secret = ownerFinishKex(owner.state, device.xB, { ownerPrivateKey: privateKey });
    assert.equal(hex(secret.shSe), V.asym.deviceRandom);
    assert.equal(hex(secret.contextRand), V.asym.ownerRandom);
  });

  test('session keys of every suite from ECDH256, DHKEXid14 and ASYMKEX (with ContextRand) match an independent KBKDF', () => {
    const secrets: SharedSecret[] = [
      ecdh(V.ecdh256).secret,
      dh('DHKEXid14', V.dh14).secret,
      { shSe: unhex(V.asym.deviceRandom), contextRand: unhex(V.asym.ownerRandom) },
    ];
    const cases = secrets.flatMap((s) =>
      KDF_PARAMS.map(([suite, prf, length]) => ({ suite, prf, length, shSe: hex(s.shSe), contextRand: hex(s.contextRand) })),
    );
    const py = runPython<{ kdf: string[] }>('kex_kat.py', { kdf: cases });
    cases.forEach((c, i) => {
      const s = secrets[Math.floor(i / KDF_PARAMS.length)] as SharedSecret;
      assert.equal(material(s, c.suite), py.kdf[i], `suite ${c.suite}`);
    });
  });

  test('the pinned answers above are what Python computes', () => {
    const r = ecdh(V.ecdh256);
    const d = dh('DHKEXid14', V.dh14);
    const py = runPython<{ ecdh: { shSe: string }[]; dh: { shSe: string }[]; kdf: string[] }>('kex_kat.py', {
      ecdh: [{ curve: 'P-256', ...V.ecdh256 }],
      dh: [{ group: 14, ...V.dh14 }],
      kdf: [
        { prf: 'sha256', length: 16, shSe: hex(r.secret.shSe), contextRand: '' },
        { prf: 'sha384', length: 96, shSe: hex(r.secret.shSe), contextRand: '' },
        { prf: 'sha256', length: 48, shSe: hex(d.secret.shSe), contextRand: '' },
      ],
    });
    assert.equal(py.ecdh[0]?.shSe, PINNED.ecdh256.shSe);
    assert.equal(py.dh[0]?.shSe.slice(0, 64), PINNED.dh14.shSePrefix);
    assert.deepEqual(py.kdf, [PINNED.ecdh256.a128gcm, PINNED.ecdh256.aes256ctr, PINNED.dh14.aes128cbc]);
  });
});

// Computed once by python/kex_kat.py (cryptography 48.0.0) from the values in V.
const PINNED = {
  ecdh256: {
    shSe: '874cc88baf56772eba61b4ccb240ed93d96f2345b346d0e7f9d58a3a555535d0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f',
    a128gcm: '5565aaad47825bf02ebdd20849aa2d20',
    aes256ctr:
      'b6c3086cf0d91027713628809c04d4b79ef01d8dc0e1873447a1808e45f90b381c2efe1163b3443b771a91f103d0bce15d6070788c29daa5773c7e36f986e3a2b75541227868d2fa6c0a84691f918da4a28ce4dd688c938fe9b37af85b20a1b2',
  },
  dh14: {
    shSePrefix: '33ead2c901dc60c043f32977c7b2b8df0e57a4982d12fadcb4a87be7b82ea0ac',
    aes128cbc: 'cc9dd8a896a55625c05ca09a0c887800fc20d22787886f6f9e2d9910b6172361e35235468bd60f4861232db172b3e831',
  },
};
