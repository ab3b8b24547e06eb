import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { encode, Tag } from '../../../src/codec/cbor.ts';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { decodeSign1, signSign1, verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { flip, rejects, utf8 } from './helpers.ts';

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const payload = utf8('IoTopia payload');
const es256 = () => new Map<number | string, unknown>([[1, Algorithm.ES256]]);

test('every signature algorithm round trips with its own key type', () => {
  for (const [alg, pair] of [
    [Algorithm.ES256, p256],
    [Algorithm.ES384, p384],
    [Algorithm.ES512, p521],
    [Algorithm.EdDSA, ed],
    [Algorithm.ESP256, p256],
    [Algorithm.ESP384, p384],
    [Algorithm.Ed25519, ed],
    [Algorithm.PS256, rsa],
    [Algorithm.PS384, rsa],
    [Algorithm.PS512, rsa],
    [Algorithm.RS256, rsa],
    [Algorithm.RS384, rsa],
    [Algorithm.RS512, rsa],
  ] as const) {
    const msg = signSign1({ payload, key: pair.privateKey, protectedHeaders: new Map([[1, alg]]) });
    const out = verifySign1(msg, { key: pair.publicKey });
    assert.deepEqual(out.payload, payload);
    assert.equal(out.alg, alg);
    // COSE_Key form of the same key works too.
    verifySign1(msg, { key: keyObjectToCoseKey(pair.publicKey) });
  }
});

test('output is tagged by default, untagged on request; the tag rule applies on input', () => {
  const tagged = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256() });
  assert.equal(tagged[0], 0xd2);
  const bare = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256(), tagged: false });
  assert.equal(bare[0], 0x84);
  verifySign1(bare, { key: p256.publicKey });
  rejects(() => verifySign1(bare, { key: p256.publicKey, tag: 'required' }), 'ERR_COSE_TAG');
  rejects(() => verifySign1(tagged, { key: p256.publicKey, tag: 'forbidden' }), 'ERR_COSE_TAG');
  const wrongTag = encode(new Tag((decodeSign1(bare) && [new Uint8Array(0)]) as unknown, 17));
  rejects(() => verifySign1(wrongTag, { key: p256.publicKey }), 'ERR_COSE_TAG');
});

test('an empty protected header is the zero-length bstr; returned protected bytes are exact', () => {
  const msg = signSign1({ payload, key: p256.privateKey, unprotectedHeaders: es256() });
  assert.equal(msg[1], 0x84);
  assert.equal(msg[2], 0x40);
  const withProt = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256() });
  assert.deepEqual(Uint8Array.from(verifySign1(withProt, { key: p256.publicKey }).protectedBytes), Uint8Array.of(0xa1, 0x01, 0x26));
});

test('external AAD and detached payloads', () => {
  const externalAad = utf8('context');
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256(), externalAad, detached: true });
  assert.equal(decodeSign1(msg).payload, null);
  assert.deepEqual(verifySign1(msg, { key: p256.publicKey, externalAad, detachedPayload: payload }).payload, payload);
  rejects(() => verifySign1(msg, { key: p256.publicKey, detachedPayload: payload }), 'ERR_COSE_SIGNATURE_INVALID');
  rejects(() => verifySign1(msg, { key: p256.publicKey, externalAad }), 'ERR_COSE_DETACHED');
  rejects(() => verifySign1(msg, { key: p256.publicKey, externalAad, detachedPayload: utf8('other') }), 'ERR_COSE_SIGNATURE_INVALID');
});

test('tampering with any element is rejected', () => {
  const msg = signSign1({
    payload,
    key: p256.privateKey,
    protectedHeaders: es256(),
    unprotectedHeaders: new Map([[4, utf8('kid')]]),
  });
  // Layout: d2 84 43 a1 01 26 | a1 04 43 6b 69 64 | 4f <payload> | 58 40 <signature>
  rejects(() => verifySign1(flip(msg, 5), { key: p256.publicKey }), 'ERR_COSE_KEY_MISMATCH'); // alg -7 becomes -8, EdDSA
  rejects(() => verifySign1(flip(msg, 4), { key: p256.publicKey }), 'ERR_COSE_HEADER'); // alg label 1 becomes 0: alg missing
  rejects(() => verifySign1(flip(msg, 13 + 3), { key: p256.publicKey }), 'ERR_COSE_SIGNATURE_INVALID'); // payload
  rejects(() => verifySign1(flip(msg, msg.length - 1), { key: p256.publicKey }), 'ERR_COSE_SIGNATURE_INVALID'); // signature
  // The unprotected header is not signed: changing the kid keeps the signature valid.
  verifySign1(flip(msg, 10), { key: p256.publicKey });
});

test('wrong keys and algorithms are refused with specific codes', () => {
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256() });
  rejects(() => verifySign1(msg, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey }), 'ERR_COSE_SIGNATURE_INVALID');
  rejects(() => verifySign1(msg, { key: p384.publicKey }), 'ERR_COSE_KEY_MISMATCH');
  rejects(() => verifySign1(msg, { key: ed.publicKey }), 'ERR_COSE_KEY_MISMATCH');
  rejects(() => verifySign1(msg, { key: p256.publicKey, algorithms: [Algorithm.EdDSA] }), 'ERR_COSE_ALG_NOT_ALLOWED');
  rejects(() => signSign1({ payload, key: p256.publicKey, protectedHeaders: es256() }), 'ERR_COSE_KEY_MISMATCH');
  rejects(() => signSign1({ payload, key: p384.privateKey, protectedHeaders: es256() }), 'ERR_COSE_KEY_MISMATCH');
  rejects(() => signSign1({ payload, key: p256.privateKey, protectedHeaders: new Map([[1, -999]]) }), 'ERR_COSE_UNSUPPORTED_ALG');
  rejects(() => signSign1({ payload, key: p256.privateKey }), 'ERR_COSE_HEADER');
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  rejects(() => signSign1({ payload, key: small.privateKey, protectedHeaders: new Map([[1, Algorithm.PS256]]) }), 'ERR_COSE_KEY_MISMATCH');
  const restricted = keyObjectToCoseKey(p256.publicKey, { alg: Algorithm.ES384 });
  rejects(() => verifySign1(msg, { key: restricted }), 'ERR_COSE_KEY_MISMATCH');
});

test('header rules: one bucket per label, crit understood and protected, typed values', () => {
  const sign = (p: Map<number | string, unknown>, u: Map<number | string, unknown> = new Map()) =>
    encode(new Tag([p.size ? encode(p) : new Uint8Array(0), u, payload, new Uint8Array(64)], 18));
  rejects(() => verifySign1(sign(es256(), new Map([[1, -7]])), { key: p256.publicKey }), 'ERR_COSE_HEADER');
  rejects(
    () =>
      verifySign1(
        sign(
          new Map<number, unknown>([
            [1, -7],
            [2, [99]],
            [99, 1],
          ]),
        ),
        { key: p256.publicKey },
      ),
    'ERR_COSE_CRIT',
  );
  rejects(
    () =>
      verifySign1(
        sign(
          new Map<number, unknown>([
            [1, -7],
            [2, [99]],
          ]),
        ),
        { key: p256.publicKey },
      ),
    'ERR_COSE_HEADER',
  );
  rejects(() => verifySign1(sign(es256(), new Map([[2, [1]]])), { key: p256.publicKey }), 'ERR_COSE_HEADER');
  rejects(() => verifySign1(sign(es256(), new Map([[4, 'text kid']])), { key: p256.publicKey }), 'ERR_COSE_HEADER');
  rejects(() => verifySign1(sign(new Map()), { key: p256.publicKey }), 'ERR_COSE_HEADER');
  // An application that understands label 99 says so.
  const p = new Map<number, unknown>([
    [1, -7],
    [2, [99]],
    [99, 1],
  ]);
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: p });
  assert.equal(verifySign1(msg, { key: p256.publicKey, critical: [99] }).protectedHeaders.get(99), 1);
});

test('malformed input fails with ERR_COSE_MALFORMED naming the element, never a TypeError', () => {
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256() });
  const bad = [
    msg.subarray(0, msg.length - 5),
    encode(new Tag([new Uint8Array(0), new Map(), payload], 18)),
    encode(new Tag([new Map(), new Map(), payload, new Uint8Array(64)], 18)),
    encode(new Tag([new Uint8Array(0), [], payload, new Uint8Array(64)], 18)),
    encode(new Tag([new Uint8Array(0), new Map([[1, -7]]), 'text', new Uint8Array(64)], 18)),
    encode(new Tag([new Uint8Array(0), new Map([[1, -7]]), payload, null], 18)),
    encode(new Tag([Uint8Array.of(0x01), new Map([[1, -7]]), payload, new Uint8Array(64)], 18)),
    encode(new Tag([Uint8Array.of(0xa1, 0x01), new Map(), payload, new Uint8Array(64)], 18)),
    encode({ a: 1 }),
    new Uint8Array(0),
  ];
  for (const b of bad) rejects(() => verifySign1(b, { key: p256.publicKey }), 'ERR_COSE_MALFORMED');
  assert.throws(() => verifySign1('x' as unknown as Uint8Array, { key: p256.publicKey }), TypeError);
  assert.throws(() => signSign1({ payload: 'x' as unknown as Uint8Array, key: p256.privateKey, protectedHeaders: es256() }), TypeError);
});

test('the fully specified ids (RFC 9864) are bound to their curve', () => {
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: new Map([[1, Algorithm.ESP256]]) });
  assert.equal(verifySign1(msg, { key: p256.publicKey }).alg, Algorithm.ESP256);
  rejects(() => signSign1({ payload, key: p384.privateKey, protectedHeaders: new Map([[1, Algorithm.ESP256]]) }), 'ERR_COSE_KEY_MISMATCH');
  const ed448 = generateKeyPairSync('ed448');
  rejects(
    () => signSign1({ payload, key: ed448.privateKey, protectedHeaders: new Map([[1, Algorithm.Ed25519]]) }),
    'ERR_COSE_KEY_MISMATCH',
  );
});

test('ECDSA signatures of the wrong size or with r or s out of range do not verify', () => {
  const msg = signSign1({ payload, key: p256.privateKey, protectedHeaders: es256() });
  const good = decodeSign1(msg).signature;
  const withSignature = (sig: Uint8Array) => {
    const parts = decodeSign1(msg);
    return encode(new Tag([parts.protectedBytes, new Map(), payload, sig], 18));
  };
  // P-256 order n (SEC 2 §2.4.2): r = n and s = n are out of range, as are zero and all-ones.
  const n = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
  const bad = [
    good.subarray(0, 63),
    Buffer.concat([good, Buffer.of(0)]),
    Buffer.concat([Buffer.alloc(1), good.subarray(0, 31), good.subarray(32)]),
    new Uint8Array(64),
    Buffer.concat([Buffer.alloc(32), good.subarray(32)]),
    Buffer.concat([n, good.subarray(32)]),
    Buffer.concat([good.subarray(0, 32), n]),
    Buffer.alloc(64, 0xff),
  ];
  for (const sig of bad) rejects(() => verifySign1(withSignature(sig), { key: p256.publicKey }), 'ERR_COSE_SIGNATURE_INVALID');
  assert.doesNotThrow(() => verifySign1(withSignature(good), { key: p256.publicKey }));
});
