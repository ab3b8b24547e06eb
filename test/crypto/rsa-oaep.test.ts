import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { CryptoError } from '../../src/crypto/errors.ts';
import { type RsaOaepHash, rsaOaepDecrypt, rsaOaepEncrypt } from '../../src/crypto/rsa-oaep.ts';
import { hex, pythonUnavailable, runPython, unhex } from './python/run.ts';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });
const failed = { code: 'ERR_DECRYPT_FAILED', name: 'CryptoError', message: 'RSA-OAEP decryption failed' };
const message = new TextEncoder().encode('FDO ASYMKEX key exchange parameter B');

describe('RSA-OAEP', () => {
  for (const [bits, kp] of [
    [2048, rsa2048],
    [3072, rsa3072],
  ] as const) {
    for (const hash of ['sha256', 'sha384'] as const) {
      test(`RSA-${bits} with ${hash}: round trip, with and without a label`, () => {
        const ct = rsaOaepEncrypt(kp.publicKey, message, { hash });
        assert.equal(ct.length, bits / 8);
        assert.deepEqual(rsaOaepDecrypt(kp.privateKey, ct, { hash }), message);
        const label = Uint8Array.of(1, 2, 3);
        const labelled = rsaOaepEncrypt(kp.publicKey, message, { hash, label });
        assert.deepEqual(rsaOaepDecrypt(kp.privateKey, labelled, { hash, label }), message);
        assert.throws(() => rsaOaepDecrypt(kp.privateKey, labelled, { hash }), failed);
      });
    }
  }

  test('encryption is randomised', () => {
    assert.notDeepEqual(rsaOaepEncrypt(rsa2048.publicKey, message), rsaOaepEncrypt(rsa2048.publicKey, message));
  });

  test('every decryption failure has the same code, message and no cause', () => {
    const ct = rsaOaepEncrypt(rsa2048.publicKey, message);
    const flipped = ct.slice();
    flipped[100]! ^= 0x01;
    const cases: [string, () => unknown][] = [
      ['tampered', () => rsaOaepDecrypt(rsa2048.privateKey, flipped)],
      ['wrong hash', () => rsaOaepDecrypt(rsa2048.privateKey, ct, { hash: 'sha384' })],
      ['wrong key', () => rsaOaepDecrypt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, ct)],
      ['short', () => rsaOaepDecrypt(rsa2048.privateKey, ct.slice(1))],
      ['long', () => rsaOaepDecrypt(rsa2048.privateKey, Uint8Array.of(0, ...ct))],
      ['all zero', () => rsaOaepDecrypt(rsa2048.privateKey, new Uint8Array(256))],
      ['above the modulus', () => rsaOaepDecrypt(rsa2048.privateKey, new Uint8Array(256).fill(0xff))],
      ['empty', () => rsaOaepDecrypt(rsa2048.privateKey, new Uint8Array(0))],
    ];
    for (const [name, fn] of cases) {
      let caught: unknown;
      try {
        fn();
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof CryptoError, name);
      assert.equal(caught.code, 'ERR_DECRYPT_FAILED', name);
      assert.equal(caught.message, 'RSA-OAEP decryption failed', name);
      assert.equal(caught.cause, undefined, name);
    }
  });

  test('the longest message that fits is k - 2·hLen - 2 bytes; longer is a TypeError', () => {
    const max = 256 - 2 * 32 - 2;
    const ct = rsaOaepEncrypt(rsa2048.publicKey, new Uint8Array(max).fill(7));
    assert.equal(rsaOaepDecrypt(rsa2048.privateKey, ct).length, max);
    assert.throws(() => rsaOaepEncrypt(rsa2048.publicKey, new Uint8Array(max + 1)), TypeError);
    assert.deepEqual(rsaOaepDecrypt(rsa2048.privateKey, rsaOaepEncrypt(rsa2048.publicKey, new Uint8Array(0))), new Uint8Array(0));
  });

  test('keys below 2048 bits are ERR_KEY_UNSUPPORTED', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(() => rsaOaepEncrypt(small.publicKey, message), { code: 'ERR_KEY_UNSUPPORTED' });
    assert.throws(() => rsaOaepDecrypt(small.privateKey, new Uint8Array(128)), { code: 'ERR_KEY_UNSUPPORTED' });
  });

  test('misuse is a TypeError', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => rsaOaepEncrypt(rsa2048.privateKey, message), TypeError);
    assert.throws(() => rsaOaepEncrypt(ec.publicKey, message), TypeError);
    assert.throws(() => rsaOaepEncrypt(rsa2048.publicKey, 'text' as never), TypeError);
    assert.throws(() => rsaOaepEncrypt(rsa2048.publicKey, message, { hash: 'sha1' as RsaOaepHash }), TypeError);
    assert.throws(() => rsaOaepEncrypt(rsa2048.publicKey, message, { label: 'x' as never }), TypeError);
    assert.throws(() => rsaOaepDecrypt(rsa2048.publicKey, new Uint8Array(256)), TypeError);
    assert.throws(() => rsaOaepDecrypt(undefined as never, new Uint8Array(256)), TypeError);
  });

  for (const hash of ['sha256', 'sha384'] as const) {
    test(`agrees with Python cryptography in both directions (${hash})`, (t) => {
      const why = pythonUnavailable();
      if (why !== undefined) return t.skip(why);
      const label = Uint8Array.of(0xfd, 0x0);
      const ours = rsaOaepEncrypt(rsa3072.publicKey, message, { hash, label });
      const decrypted = runPython<{ plaintext: string }>('rsa_oaep.py', {
        op: 'decrypt',
        privateKeyPem: rsa3072.privateKey.export({ format: 'pem', type: 'pkcs8' }),
        ciphertext: hex(ours),
        hash,
        label: hex(label),
      });
      assert.equal(decrypted.plaintext, hex(message));
      const theirs = runPython<{ ciphertext: string }>('rsa_oaep.py', {
        op: 'encrypt',
        publicKeyPem: rsa3072.publicKey.export({ format: 'pem', type: 'spki' }),
        plaintext: hex(message),
        hash,
        label: hex(label),
      });
      assert.deepEqual(rsaOaepDecrypt(rsa3072.privateKey, unhex(theirs.ciphertext), { hash, label }), message);
    });
  }
});
