import assert from 'node:assert/strict';
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { decryptEncrypt, encryptEncrypt } from '../../../src/codec/cose/encrypt.ts';
import { decodeEncrypt0, decryptEncrypt0, encryptEncrypt0Detached } from '../../../src/codec/cose/encrypt0.ts';
import { rejects, utf8 } from './helpers.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const ctrHeaders = (alg: number, iv: Uint8Array) =>
  new Map<number, unknown>([
    [1, alg],
    [5, iv],
  ]);

test('A128CTR (RFC 9459 §4) matches the CTR-AES128 example of NIST SP 800-38A F.5.1', () => {
  const key = createSecretKey(hex('2b7e151628aed2a6abf7158809cf4f3c'));
  const iv = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const plaintext = hex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
  const { message, ciphertext } = encryptEncrypt0Detached({
    plaintext,
    key,
    protectedHeaders: new Map(),
    unprotectedHeaders: ctrHeaders(Algorithm.A128CTR, iv),
    detached: true,
  });
  assert.equal(Buffer.from(ciphertext).toString('hex'), '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff');
  assert.equal(decodeEncrypt0(message).ciphertext, null);
  assert.deepEqual(decryptEncrypt0(message, { key, detachedCiphertext: ciphertext }).plaintext, plaintext);
});

test('AES-CTR: the ciphertext is as long as the plaintext; the counter carries over all 128 bits', () => {
  const raw = randomBytes(16);
  const key = createSecretKey(raw);
  const iv = new Uint8Array(16).fill(0xff);
  const plaintext = new Uint8Array(40);
  const { ciphertext } = encryptEncrypt0Detached({
    plaintext,
    key,
    protectedHeaders: new Map(),
    unprotectedHeaders: ctrHeaders(Algorithm.A128CTR, iv),
  });
  assert.equal(ciphertext.length, 40);
  // Block 1 is E(ff…ff), block 2 E(00…00): the increment wraps the whole block (SP 800-38A B.1).
  const ecb = (block: Uint8Array) => {
    const c = createCipheriv('aes-128-ecb', raw, null).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
  };
  assert.deepEqual(ciphertext.subarray(0, 16), ecb(iv));
  assert.deepEqual(ciphertext.subarray(16, 32), ecb(new Uint8Array(16)));
});

test('AES-CTR: 16-byte IV required, key length checked, no external AAD, tampering goes undetected', () => {
  for (const [alg, n] of [
    [Algorithm.A128CTR, 16],
    [Algorithm.A192CTR, 24],
    [Algorithm.A256CTR, 32],
  ] as const) {
    const key = createSecretKey(randomBytes(n));
    const plaintext = utf8('firmware image, not authenticated');
    const { message } = encryptEncrypt0Detached({ plaintext, key, protectedHeaders: new Map([[1, alg]]) });
    assert.equal((decodeEncrypt0(message).unprotectedHeaders.get(5) as Uint8Array).length, 16);
    assert.deepEqual(decryptEncrypt0(message, { key }).plaintext, plaintext);
    // Not an AEAD: a changed ciphertext byte decrypts to a changed plaintext byte, and no error.
    const changed = Uint8Array.from(message);
    changed[changed.length - 1]! ^= 1;
    const out = decryptEncrypt0(changed, { key }).plaintext;
    assert.notDeepEqual(out, plaintext);
    assert.equal(out.length, plaintext.length);
    rejects(() => decryptEncrypt0(message, { key: createSecretKey(randomBytes(n === 16 ? 32 : 16)) }), 'ERR_COSE_KEY_MISMATCH');
    assert.throws(() => decryptEncrypt0(message, { key, externalAad: Uint8Array.of(1) }), /takes no external AAD/);
    assert.deepEqual(decryptEncrypt0(message, { key, externalAad: new Uint8Array(0) }).plaintext, plaintext);
  }
  const key = createSecretKey(randomBytes(16));
  rejects(
    () =>
      encryptEncrypt0Detached({
        plaintext: utf8('x'),
        key,
        protectedHeaders: new Map(),
        unprotectedHeaders: ctrHeaders(Algorithm.A128CTR, new Uint8Array(12)),
      }),
    'ERR_COSE_HEADER',
  );
  assert.throws(
    () =>
      encryptEncrypt0Detached({ plaintext: utf8('x'), key, protectedHeaders: new Map([[1, Algorithm.A128CTR]]), externalAad: utf8('a') }),
    /takes no external AAD/,
  );
});

test('AES-CTR in COSE_Encrypt with an A128KW recipient round trips', () => {
  const kek = createSecretKey(randomBytes(16));
  const plaintext = randomBytes(1000);
  const msg = encryptEncrypt({
    plaintext,
    protectedHeaders: new Map(),
    unprotectedHeaders: new Map([[1, Algorithm.A128CTR]]),
    recipients: [{ key: kek, unprotectedHeaders: new Map([[1, Algorithm.A128KW]]) }],
  });
  assert.deepEqual(Buffer.from(decryptEncrypt(msg, { key: kek }).plaintext), plaintext);
  rejects(() => decryptEncrypt(msg, { key: createSecretKey(randomBytes(16)) }), 'ERR_COSE_DECRYPT_FAILED');
});
