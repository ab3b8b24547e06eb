import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { test } from 'node:test';
import { derToP1363Signature, p1363ToDerSignature } from '../../src/codec/cose/ecdsa-signature.ts';
import { signEnvelope, verifyEnvelope } from '../../src/suit/authenticate.ts';
import { buildEnvelope } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { SuitError } from '../../src/suit/errors.ts';

const description = (n: number) => ({
  'manifest-sequence-number': n,
  severable: n % 2 === 0,
  components: [
    {
      'install-id': ['00'],
      'install-digest': { 'algorithm-id': 'sha256', 'digest-bytes': Buffer.alloc(32, n).toString('hex') },
      'install-size': 1000 + n,
      uri: `https://updates.example/${'x'.repeat(n * 7)}.bin`,
      'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
      'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
    },
  ],
});

test('verification reuses its buffers safely: envelopes of different sizes and curves, one after another', () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const envelopes = [1, 2, 3, 4, 5, 6].map((n) => {
    const pair = n % 3 === 0 ? p384 : p256;
    return { bytes: signEnvelope(buildEnvelope(parseDescription(description(n))), { key: pair.privateKey }), pair };
  });
  for (let round = 0; round < 3; round++) {
    for (const { bytes, pair } of envelopes) {
      assert.equal(verifyEnvelope(bytes, { keys: [pair.publicKey] }).blocks[0]?.verified, true);
      const other = pair === p256 ? p384 : p256;
      assert.throws(
        () => verifyEnvelope(bytes, { keys: [other.publicKey] }),
        (e: unknown) => e instanceof SuitError && e.code === 'ERR_SUIT_AUTH_FAILED',
      );
    }
  }
});

test('a DER signature converted for keeping is not overwritten by the conversions of later verifications', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('Sig_structure');
  const rs = derToP1363Signature(sign('sha256', data, privateKey), 32);
  const kept = p1363ToDerSignature(rs);
  const copy = Buffer.from(kept);
  const transient = p1363ToDerSignature(Uint8Array.from(rs).reverse(), true);
  assert.notDeepEqual(transient, copy);
  assert.deepEqual(kept, copy);
  assert.equal(verify('sha256', data, publicKey, kept), true);
});
