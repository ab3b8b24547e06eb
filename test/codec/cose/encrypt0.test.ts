import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { decodeEncrypt0, decryptEncrypt0, encryptEncrypt0, encryptEncrypt0Detached } from '../../../src/codec/cose/encrypt0.ts';
import { keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { flip, rejects, utf8 } from './helpers.ts';

const plaintext = utf8('owner credential');
const algs: [number, number, number][] = [
  [Algorithm.A128GCM, 16, 12],
  [Algorithm.A192GCM, 24, 12],
  [Algorithm.A256GCM, 32, 12],
  [Algorithm.AES_CCM_16_64_128, 16, 13],
  [Algorithm.AES_CCM_16_64_256, 32, 13],
  [Algorithm.AES_CCM_64_64_128, 16, 7],
  [Algorithm.AES_CCM_64_64_256, 32, 7],
  [Algorithm.AES_CCM_16_128_128, 16, 13],
  [Algorithm.AES_CCM_16_128_256, 32, 13],
  [Algorithm.AES_CCM_64_128_128, 16, 7],
  [Algorithm.AES_CCM_64_128_256, 32, 7],
  [Algorithm.ChaCha20_Poly1305, 32, 12],
];

test('every content algorithm round trips with a random IV of its nonce length; tampering fails', () => {
  for (const [alg, n, ivLength] of algs) {
    const key = createSecretKey(randomBytes(n));
    const msg = encryptEncrypt0({ plaintext, key, protectedHeaders: new Map([[1, alg]]) });
    const d = decodeEncrypt0(msg);
    assert.equal((d.unprotectedHeaders.get(5) as Uint8Array).length, ivLength);
    assert.deepEqual(decryptEncrypt0(msg, { key }).plaintext, plaintext);
    rejects(() => decryptEncrypt0(flip(msg, msg.length - 1), { key }), 'ERR_COSE_DECRYPT_FAILED');
    rejects(() => decryptEncrypt0(flip(msg, 4), { key }), 'ERR_COSE_HEADER'); // the alg label becomes 0
    rejects(() => decryptEncrypt0(msg, { key: createSecretKey(randomBytes(n)) }), 'ERR_COSE_DECRYPT_FAILED');
    rejects(() => decryptEncrypt0(msg, { key: createSecretKey(randomBytes(n === 16 ? 32 : 16)) }), 'ERR_COSE_KEY_MISMATCH');
  }
});

test('Partial IV with a Base IV from the option or the COSE_Key (RFC 9052 §3.1)', () => {
  const key = createSecretKey(randomBytes(16));
  const baseIV = randomBytes(12);
  const msg = encryptEncrypt0({
    plaintext,
    key,
    protectedHeaders: new Map([[1, Algorithm.A128GCM]]),
    unprotectedHeaders: new Map([[6, Uint8Array.of(0x61, 0xa7)]]),
    baseIV,
  });
  assert.deepEqual(decryptEncrypt0(msg, { key, baseIV }).plaintext, plaintext);
  const coseKey = keyObjectToCoseKey(key, { includePrivate: true });
  coseKey.set(5, new Uint8Array(baseIV));
  assert.deepEqual(decryptEncrypt0(msg, { key: coseKey }).plaintext, plaintext);
  rejects(() => decryptEncrypt0(msg, { key }), 'ERR_COSE_HEADER');
  rejects(() => decryptEncrypt0(msg, { key, baseIV: randomBytes(12) }), 'ERR_COSE_DECRYPT_FAILED');
});

test('IV rules, external AAD, detached ciphertext', () => {
  const key = createSecretKey(randomBytes(16));
  const p = new Map([[1, Algorithm.A128GCM]]);
  rejects(
    () => encryptEncrypt0({ plaintext, key, protectedHeaders: p, unprotectedHeaders: new Map([[5, new Uint8Array(8)]]) }),
    'ERR_COSE_HEADER',
  );
  const externalAad = utf8('aad');
  const { message, ciphertext } = encryptEncrypt0Detached({ plaintext, key, protectedHeaders: p, externalAad, detached: true });
  assert.equal(decodeEncrypt0(message).ciphertext, null);
  assert.deepEqual(decryptEncrypt0(message, { key, externalAad, detachedCiphertext: ciphertext }).plaintext, plaintext);
  rejects(() => decryptEncrypt0(message, { key, detachedCiphertext: ciphertext }), 'ERR_COSE_DECRYPT_FAILED');
  rejects(() => decryptEncrypt0(message, { key, externalAad }), 'ERR_COSE_DETACHED');
  const both = new Map<number, unknown>([
    [5, new Uint8Array(12)],
    [6, new Uint8Array(1)],
  ]);
  assert.throws(() => encryptEncrypt0({ plaintext, key, protectedHeaders: p, unprotectedHeaders: both }), TypeError);
});
