import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { createSecretBox } from '../../src/store/secret-box.ts';

const box = createSecretBox(new Uint8Array(32).fill(1));
const plain = new TextEncoder().encode('owner private key');

test('secret box: seals to fresh ciphertext each time, opens under the same key and context', () => {
  const a = box.seal(plain, 'keys.private_key:owner');
  const b = box.seal(plain, 'keys.private_key:owner');
  assert.notDeepEqual(a, b);
  assert.equal(Buffer.from(a).includes(Buffer.from(plain)), false);
  assert.deepEqual(box.open(a, 'keys.private_key:owner'), plain);
});

test('secret box: another context, another key, or a flipped bit is ERR_STORE_DECRYPT without the plaintext in the message', () => {
  const sealed = box.seal(plain, 'keys.private_key:owner');
  const refuse = (f: () => unknown) =>
    assert.throws(f, (e: Error & { code?: string }) => e.code === 'ERR_STORE_DECRYPT' && !e.message.includes('owner private key'));
  refuse(() => box.open(sealed, 'keys.private_key:other'));
  refuse(() => createSecretBox(new Uint8Array(32).fill(2)).open(sealed, 'keys.private_key:owner'));
  const flipped = new Uint8Array(sealed);
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
  refuse(() => box.open(flipped, 'keys.private_key:owner'));
  refuse(() => box.open(Uint8Array.of(9, 9, 9), 'keys.private_key:owner'));
});

test('secret box: the key-encryption key must be 32 bytes', () => {
  assert.throws(() => createSecretBox(new Uint8Array(16)), TypeError);
  assert.throws(() => createSecretBox('k'.repeat(32) as unknown as Uint8Array), TypeError);
});

test('secret box: a 32-byte secret KeyObject seals and opens as its raw bytes do; another size or kind is refused', () => {
  const raw = new Uint8Array(32).fill(1);
  const sealed = createSecretBox(createSecretKey(raw)).seal(plain, 'keys.private_key:owner');
  assert.deepEqual(box.open(sealed, 'keys.private_key:owner'), plain);
  assert.throws(() => createSecretBox(createSecretKey(new Uint8Array(16))), TypeError);
  assert.throws(() => createSecretBox(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), TypeError);
});
