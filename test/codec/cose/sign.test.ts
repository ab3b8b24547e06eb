import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { decodeSign, signSign, verifySign } from '../../../src/codec/cose/sign.ts';
import { flip, rejects, utf8 } from './helpers.ts';

const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b = generateKeyPairSync('ed25519');
const payload = utf8('firmware manifest');
const two = () =>
  signSign({
    payload,
    protectedHeaders: new Map([[3, 0]]),
    signers: [
      { key: a.privateKey, protectedHeaders: new Map([[1, Algorithm.ES256]]), unprotectedHeaders: new Map([[4, utf8('a')]]) },
      { key: b.privateKey, protectedHeaders: new Map([[1, Algorithm.EdDSA]]), unprotectedHeaders: new Map([[4, utf8('b')]]) },
    ],
  });

test('several signers: a single key verifies the signers it suits; a resolver can require all', () => {
  const msg = two();
  assert.equal(msg[0], 0xd8);
  assert.equal(msg[1], 98);
  const one = verifySign(msg, { key: b.publicKey });
  assert.deepEqual(
    one.signers.map((s) => s.verified),
    [false, true],
  );
  const keys = [a.publicKey, b.publicKey];
  const all = verifySign(msg, { key: (s) => keys[s.index], require: 'all' });
  assert.deepEqual(all.payload, payload);
  assert.ok(all.signers.every((s) => s.verified));
  rejects(() => verifySign(msg, { key: (s) => (s.index === 0 ? a.publicKey : undefined), require: 'all' }), 'ERR_COSE_SIGNATURE_INVALID');
  rejects(() => verifySign(msg, { key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey }), 'ERR_COSE_KEY_MISMATCH');
});

test('tampering with the body protected header, the payload or a signature is rejected', () => {
  const msg = two();
  const keys = [a.publicKey, b.publicKey];
  const d = decodeSign(msg);
  assert.equal(d.signers.length, 2);
  // d8 62 84 43 a1 03 00 ...: byte 6 is the content type value in the body protected header.
  rejects(() => verifySign(flip(msg, 6), { key: (s) => keys[s.index] }), 'ERR_COSE_SIGNATURE_INVALID');
  const at = Buffer.from(msg).indexOf(Buffer.from(payload));
  rejects(() => verifySign(flip(msg, at), { key: (s) => keys[s.index] }), 'ERR_COSE_SIGNATURE_INVALID');
  rejects(() => verifySign(flip(msg, msg.length - 1), { key: (s) => keys[s.index] }), 'ERR_COSE_SIGNATURE_INVALID');
});

test('external AAD, detached payload, untagged output and structure errors', () => {
  const externalAad = utf8('aad');
  const msg = signSign({
    payload,
    externalAad,
    detached: true,
    tagged: false,
    signers: [{ key: a.privateKey, protectedHeaders: new Map([[1, -7]]) }],
  });
  assert.equal(msg[0], 0x84);
  verifySign(msg, { key: a.publicKey, externalAad, detachedPayload: payload, tag: 'forbidden' });
  rejects(() => verifySign(msg, { key: a.publicKey, detachedPayload: payload }), 'ERR_COSE_SIGNATURE_INVALID');
  rejects(() => verifySign(msg, { key: a.publicKey, externalAad, tag: 'required', detachedPayload: payload }), 'ERR_COSE_TAG');
  // An empty signatures array.
  rejects(() => decodeSign(Uint8Array.of(0x84, 0x40, 0xa0, 0x40, 0x80)), 'ERR_COSE_MALFORMED');
  // A COSE_Signature with two elements.
  rejects(() => decodeSign(Uint8Array.of(0x84, 0x40, 0xa0, 0x40, 0x81, 0x82, 0x40, 0xa0)), 'ERR_COSE_MALFORMED');
  assert.throws(() => signSign({ payload, signers: [] }), TypeError);
});
