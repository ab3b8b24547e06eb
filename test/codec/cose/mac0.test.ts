import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { createMac0, decodeMac0, verifyMac0 } from '../../../src/codec/cose/mac0.ts';
import { flip, rejects, utf8 } from './helpers.ts';

const payload = utf8('device report');
const keys: Record<number, number> = {
  [Algorithm.HMAC_256_64]: 32,
  [Algorithm.HMAC_256_256]: 32,
  [Algorithm.HMAC_384_384]: 48,
  [Algorithm.HMAC_512_512]: 64,
  [Algorithm.AES_MAC_128_64]: 16,
  [Algorithm.AES_MAC_256_64]: 32,
  [Algorithm.AES_MAC_128_128]: 16,
  [Algorithm.AES_MAC_256_128]: 32,
};
const tagLength: Record<number, number> = { 4: 8, 5: 32, 6: 48, 7: 64, 14: 8, 15: 8, 25: 16, 26: 16 };

test('every MAC algorithm round trips; tags have the truncated length; tampering is rejected', () => {
  for (const [alg, n] of Object.entries(keys)) {
    const key = createSecretKey(randomBytes(n));
    const msg = createMac0({ payload, key, protectedHeaders: new Map([[1, Number(alg)]]) });
    assert.equal(decodeMac0(msg).tag.length, tagLength[Number(alg)]);
    assert.deepEqual(verifyMac0(msg, { key }).payload, payload);
    verifyMac0(msg, { key: keyObjectToCoseKey(key, { includePrivate: true }) });
    rejects(() => verifyMac0(flip(msg, msg.length - 1), { key }), 'ERR_COSE_MAC_INVALID');
    rejects(() => verifyMac0(flip(msg, msg.length - tagLength[Number(alg)]! - 3), { key }), 'ERR_COSE_MAC_INVALID');
    rejects(() => verifyMac0(msg, { key: createSecretKey(randomBytes(n)) }), 'ERR_COSE_MAC_INVALID');
  }
});

test('key length and type are checked per algorithm', () => {
  const p = (alg: number) => new Map([[1, alg]]);
  rejects(
    () => createMac0({ payload, key: createSecretKey(randomBytes(16)), protectedHeaders: p(Algorithm.HMAC_256_256) }),
    'ERR_COSE_KEY_MISMATCH',
  );
  rejects(
    () => createMac0({ payload, key: createSecretKey(randomBytes(32)), protectedHeaders: p(Algorithm.AES_MAC_128_64) }),
    'ERR_COSE_KEY_MISMATCH',
  );
  rejects(
    () => createMac0({ payload, key: createSecretKey(randomBytes(32)), protectedHeaders: p(Algorithm.ES256) }),
    'ERR_COSE_UNSUPPORTED_ALG',
  );
});

test('external AAD, detached payload, tag rules', () => {
  const key = createSecretKey(randomBytes(32));
  const externalAad = utf8('aad');
  const msg = createMac0({ payload, key, protectedHeaders: new Map([[1, 5]]), externalAad, detached: true, tagged: false });
  assert.equal(msg[0], 0x84);
  verifyMac0(msg, { key, externalAad, detachedPayload: payload });
  rejects(() => verifyMac0(msg, { key, detachedPayload: payload }), 'ERR_COSE_MAC_INVALID');
  rejects(() => verifyMac0(msg, { key, externalAad, detachedPayload: payload, tag: 'required' }), 'ERR_COSE_TAG');
  rejects(() => verifyMac0(msg.subarray(0, 10), { key }), 'ERR_COSE_MALFORMED');
});
