import assert from 'node:assert/strict';
import { generateKeyPairSync, generateKeySync } from 'node:crypto';
import { test } from 'node:test';
import {
  coseKeyToJwk,
  coseKeyToKeyObject,
  decodeCoseKey,
  encodeCoseKey,
  jwkToCoseKey,
  keyObjectToCoseKey,
} from '../../../src/codec/cose/key.ts';
import { rejects, utf8 } from './helpers.ts';

const P256 = {
  kty: 'EC',
  kid: '11',
  crv: 'P-256',
  x: 'usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8',
  y: 'IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4',
  d: 'V8kgd2ZBRuh2dgyVINBUqpPDr7BOMGcF22CQMIUHtNM',
};

test('JWK → COSE_Key → KeyObject and back, private by default, public on request', () => {
  const k = jwkToCoseKey(P256);
  assert.deepEqual([...k.keys()], [1, 2, -1, -2, -3, -4]);
  assert.deepEqual(k.get(2), utf8('11'));
  assert.equal(coseKeyToKeyObject(k).type, 'private');
  assert.equal(coseKeyToKeyObject(k, { private: false }).type, 'public');
  const jwk = coseKeyToJwk(k);
  assert.equal(jwk.x, P256.x);
  assert.equal((jwk as { kid?: string }).kid, '11');
});

test('encodeCoseKey writes labels in deterministic order and decodeCoseKey reads it back', () => {
  const k = jwkToCoseKey(P256);
  const shuffled = new Map([...k].reverse());
  const bytes = encodeCoseKey(shuffled);
  assert.equal(Buffer.from(bytes).toString('hex').slice(0, 10), 'a601020242');
  assert.deepEqual(decodeCoseKey(bytes), k);
});

test('key types round trip through keyObjectToCoseKey', () => {
  for (const [type, opts] of [
    ['ec', { namedCurve: 'P-384' }],
    ['ec', { namedCurve: 'P-521' }],
    ['ed25519', {}],
    ['x25519', {}],
    ['ed448', {}],
    ['rsa', { modulusLength: 2048 }],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
    const priv = keyObjectToCoseKey(privateKey, { includePrivate: true, kid: utf8('k'), alg: -7 });
    assert.ok(coseKeyToKeyObject(priv).equals(privateKey), type);
    const pub = keyObjectToCoseKey(privateKey);
    assert.ok(coseKeyToKeyObject(pub).equals(publicKey), type);
    assert.ok(!pub.has(-4));
  }
  const secret = generateKeySync('aes', { length: 128 });
  assert.ok(coseKeyToKeyObject(keyObjectToCoseKey(secret, { includePrivate: true })).equals(secret));
  assert.throws(() => keyObjectToCoseKey(secret), TypeError);
});

test('a private key without x and y gets its public point from d; a compressed point is expanded', () => {
  const k = jwkToCoseKey(P256);
  const dOnly = new Map(k);
  dOnly.delete(-2);
  dOnly.delete(-3);
  assert.equal(coseKeyToKeyObject(dOnly).export({ format: 'jwk' }).y, P256.y);
  const compressed = new Map(k);
  compressed.delete(-4);
  compressed.set(-3, false);
  assert.equal(coseKeyToKeyObject(compressed).export({ format: 'jwk' }).y, P256.y);
});

test('invalid keys fail with ERR_COSE_KEY_INVALID naming the parameter', () => {
  const k = jwkToCoseKey(P256);
  const cases: [string, (m: Map<number, unknown>) => void][] = [
    ['kty', (m) => m.delete(1)],
    ['crv', (m) => m.set(-1, 99)],
    ['x (-2)', (m) => m.set(-2, new Uint8Array(31))],
    ['y (-3)', (m) => m.delete(-3)],
    ['d (-4)', (m) => m.set(-4, 'text')],
    ['do not match', (m) => m.set(-2, Uint8Array.from(m.get(-3) as Uint8Array))],
    ['kid (2)', (m) => m.set(2, 'text')],
  ];
  for (const [name, mutate] of cases) {
    const m = new Map(k);
    mutate(m);
    rejects(() => coseKeyToKeyObject(m), 'ERR_COSE_KEY_INVALID');
    assert.throws(
      () => coseKeyToKeyObject(m),
      (e: Error) => e.message.includes(name),
    );
  }
  rejects(() => decodeCoseKey(Uint8Array.of(0xa1, 0x01)), 'ERR_COSE_KEY_INVALID');
  rejects(() => decodeCoseKey(Uint8Array.of(0x80)), 'ERR_COSE_KEY_INVALID');
  rejects(() => jwkToCoseKey({ kty: 'oct', k: 'not base64url!' }), 'ERR_COSE_KEY_INVALID');
  rejects(
    () =>
      coseKeyToKeyObject(
        new Map<number, unknown>([
          [1, 3],
          [-1, new Uint8Array(256)],
          [-2, Uint8Array.of(1, 0, 1)],
          [-3, new Uint8Array(256)],
        ]),
      ),
    'ERR_COSE_KEY_INVALID',
  );
  assert.throws(() => coseKeyToKeyObject({} as Map<number, unknown>), TypeError);
});
