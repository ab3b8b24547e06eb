import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { createCertificationRequest, readCertificationRequest } from '../../src/crypto/csr.ts';
import { CryptoError } from '../../src/crypto/errors.ts';

const isCsrError = (e: unknown): boolean => e instanceof CryptoError && e.code === 'ERR_CSR_INVALID';

test('a certification request round-trips for EC and RSA keys and certifies the right key', () => {
  for (const pair of [
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ]) {
    const csr = createCertificationRequest(pair.privateKey, 'device-1');
    assert.ok(readCertificationRequest(csr).publicKey.equals(pair.publicKey));
  }
});

test('garbage, truncation and a broken self-signature are ERR_CSR_INVALID', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = createCertificationRequest(privateKey, 'device-1');
  const flipped = csr.slice();
  flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 1;
  assert.throws(() => readCertificationRequest(Uint8Array.of(1, 2, 3)), isCsrError);
  assert.throws(() => readCertificationRequest(csr.subarray(0, csr.length - 10)), isCsrError);
  assert.throws(() => readCertificationRequest(flipped), isCsrError);
});
