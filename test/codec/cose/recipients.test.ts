import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { decodeEncrypt, decryptEncrypt, encryptEncrypt } from '../../../src/codec/cose/encrypt.ts';
import { keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { createMac, verifyMac } from '../../../src/codec/cose/mac.ts';
import { flip, rejects, utf8 } from './helpers.ts';

const plaintext = utf8('onboarding secret');
const gcm = () => new Map([[1, Algorithm.A128GCM]]);
const alg = (id: number) => new Map([[1, id]]);

test('direct: the recipient key is the content key; wrong length and wrong key fail', () => {
  const key = createSecretKey(randomBytes(16));
  const msg = encryptEncrypt({ plaintext, protectedHeaders: gcm(), recipients: [{ key, unprotectedHeaders: alg(Algorithm.direct) }] });
  assert.deepEqual(decryptEncrypt(msg, { key }).plaintext, plaintext);
  rejects(() => decryptEncrypt(msg, { key: createSecretKey(randomBytes(16)) }), 'ERR_COSE_DECRYPT_FAILED');
  rejects(() => decryptEncrypt(msg, { key: createSecretKey(randomBytes(32)) }), 'ERR_COSE_KEY_MISMATCH');
  assert.throws(
    () => encryptEncrypt({ plaintext, protectedHeaders: gcm(), recipients: [{ key, protectedHeaders: alg(Algorithm.direct) }] }),
    TypeError,
  );
});

test('AES key wrap recipients, several at once, each opens the message', () => {
  const k1 = createSecretKey(randomBytes(16));
  const k2 = createSecretKey(randomBytes(32));
  const msg = encryptEncrypt({
    plaintext,
    protectedHeaders: gcm(),
    recipients: [
      {
        key: k1,
        unprotectedHeaders: new Map<number, unknown>([
          [1, Algorithm.A128KW],
          [4, utf8('one')],
        ]),
      },
      {
        key: k2,
        unprotectedHeaders: new Map<number, unknown>([
          [1, Algorithm.A256KW],
          [4, utf8('two')],
        ]),
      },
    ],
  });
  assert.equal(decodeEncrypt(msg).recipients.length, 2);
  assert.deepEqual(decryptEncrypt(msg, { key: k1 }).plaintext, plaintext);
  const two = keyObjectToCoseKey(k2, { includePrivate: true, kid: utf8('two') });
  assert.deepEqual(decryptEncrypt(msg, { key: two }).plaintext, plaintext);
  rejects(() => decryptEncrypt(msg, { key: createSecretKey(randomBytes(16)) }), 'ERR_COSE_DECRYPT_FAILED');
});

test('ECDH-ES + HKDF-256, ECDH-ES + A128KW and ECDH-SS + HKDF-256 on P-256 and X25519', () => {
  for (const curve of ['P-256', 'X25519'] as const) {
    const r = curve === 'P-256' ? generateKeyPairSync('ec', { namedCurve: curve }) : generateKeyPairSync('x25519');
    const s = curve === 'P-256' ? generateKeyPairSync('ec', { namedCurve: curve }) : generateKeyPairSync('x25519');
    for (const id of [Algorithm.ECDH_ES_HKDF_256, Algorithm.ECDH_ES_A128KW, Algorithm.ECDH_ES_HKDF_512]) {
      const msg = encryptEncrypt({ plaintext, protectedHeaders: gcm(), recipients: [{ key: r.publicKey, protectedHeaders: alg(id) }] });
      assert.deepEqual(decryptEncrypt(msg, { key: r.privateKey }).plaintext, plaintext);
      rejects(() => decryptEncrypt(msg, { key: s.privateKey }), 'ERR_COSE_DECRYPT_FAILED');
    }
    const ss = encryptEncrypt({
      plaintext,
      protectedHeaders: gcm(),
      recipients: [
        {
          key: r.publicKey,
          senderKey: s.privateKey,
          protectedHeaders: alg(Algorithm.ECDH_SS_HKDF_256),
          unprotectedHeaders: new Map<number, unknown>([
            [-3, utf8('sender')],
            [-22, randomBytes(16)],
          ]),
        },
      ],
    });
    assert.deepEqual(decryptEncrypt(ss, { key: r.privateKey, senderKey: s.publicKey }).plaintext, plaintext);
    rejects(() => decryptEncrypt(ss, { key: r.privateKey }), 'ERR_COSE_KEY_MISMATCH');
  }
});

test('COSE_Mac with direct and key wrap recipients; unsupported recipient algorithms are named', () => {
  const key = createSecretKey(randomBytes(32));
  const payload = utf8('mac me');
  const msg = createMac({ payload, protectedHeaders: alg(Algorithm.HMAC_256_256), recipients: [{ key, unprotectedHeaders: alg(-6) }] });
  assert.equal(msg[1], 97);
  assert.deepEqual(verifyMac(msg, { key }).payload, payload);
  rejects(() => verifyMac(flip(msg, msg.length - 8), { key }), 'ERR_COSE_MAC_INVALID');
  const kek = createSecretKey(randomBytes(24));
  const wrapped = createMac({
    payload,
    protectedHeaders: alg(Algorithm.AES_MAC_128_128),
    recipients: [{ key: kek, unprotectedHeaders: alg(Algorithm.A192KW) }],
  });
  assert.deepEqual(verifyMac(wrapped, { key: kek }).payload, payload);
  rejects(
    () => createMac({ payload, protectedHeaders: alg(5), recipients: [{ key, unprotectedHeaders: alg(Algorithm.direct_HKDF_AES_128) }] }),
    'ERR_COSE_UNSUPPORTED_ALG',
  );
});
