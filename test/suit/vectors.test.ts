import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeCoseKey } from '../../src/codec/cose/key.ts';
import { severEnvelope, signEnvelope, verifyEnvelope } from '../../src/suit/authenticate.ts';
import { decodeEnvelope, encodeEnvelope, readEnvelope } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { flip, hexFile, LIBCSUIT_DIR, libcsuitEnvelopes, SPEC_DIR, specExamples, suitRejects } from './helpers.ts';

test('draft-ietf-suit-manifest examples: decode, re-encode byte for byte, verify with the published key', (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  const key = createPublicKey(createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem'))));
  const examples = specExamples();
  assert.equal(examples.length, 6);
  let signed = 0;
  for (const ex of examples) {
    assert.ok(ex.envelopes.length >= 2, ex.name);
    for (const bytes of ex.envelopes) {
      const env = decodeEnvelope(bytes);
      assert.deepEqual(encodeEnvelope(env), bytes, `${ex.name}: re-encoding changed the bytes`);
      if (env.authentication.blocks.length === 0) {
        suitRejects(() => verifyEnvelope(bytes, { keys: [key] }), 'ERR_SUIT_UNAUTHENTICATED');
        // Signing the unsigned form with the example key gives an envelope that verifies.
        const mine = signEnvelope(bytes, { key: createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem'))) });
        assert.equal(verifyEnvelope(mine, { keys: [key] }).blocks[0]?.verified, true);
      } else {
        const r = verifyEnvelope(bytes, { keys: [key] });
        assert.deepEqual(
          r.blocks.map((b) => [b.type, b.alg, b.verified]),
          [['COSE_Sign1', -7, true]],
        );
        signed++;
      }
    }
  }
  assert.ok(signed >= 6);
});

test('libcsuit envelopes: decode, re-encode byte for byte, verify with their trust anchor (ESP256 and HMAC 256/256)', (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const anchor = createPublicKey(readFileSync(join(LIBCSUIT_DIR, 'key', 'trust_anchor_secp256r1_pub.pem')));
  const hmac = decodeCoseKey(hexFile(join(LIBCSUIT_DIR, 'key', 'trust_anchor_hmac256_cose_key_secret.hex')));
  const all = libcsuitEnvelopes();
  assert.ok(all.length >= 12);
  const algs = new Set<number | undefined>();
  for (const { name, bytes } of all) {
    assert.deepEqual(encodeEnvelope(decodeEnvelope(bytes)), bytes, `${name}: re-encoding changed the bytes`);
    const r = verifyEnvelope(bytes, { keys: [anchor, hmac] });
    for (const b of r.blocks) algs.add(b.alg);
    if (name.includes('AW')) {
      assert.deepEqual(
        r.blocks.map((b) => [b.type, b.alg, b.keyIndex]),
        [['COSE_Mac0', 5, 1]],
      );
      // The EC trust anchor alone cannot verify a MAC.
      const e = suitRejects(() => verifyEnvelope(bytes, { keys: [anchor] }), 'ERR_SUIT_AUTH_FAILED');
      assert.match(e.message, /block 1 \(COSE_Mac0 HMAC_256_256\)/);
    } else {
      assert.equal(r.blocks[0]?.type, 'COSE_Sign1', name);
      assert.equal(r.blocks[0]?.verified, true, name);
    }
  }
  assert.ok(algs.has(-9), 'ESP256 seen');
  assert.ok(algs.has(5), 'HMAC 256/256 seen');
});

test('a flipped byte anywhere in a signed envelope makes verification fail, naming the reason', (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  const key = createPublicKey(createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem'))));
  const [ex0] = specExamples();
  const bytes = ex0?.envelopes[1] as Uint8Array;
  verifyEnvelope(bytes, { keys: [key] });
  const raw = readEnvelope(bytes);
  const manifestAt = Buffer.from(bytes).indexOf(Buffer.from(raw.manifestBytes));
  const sigAt =
    Buffer.from(bytes).indexOf(Buffer.from(raw.authentication.blocks[0] as Uint8Array)) + (raw.authentication.blocks[0]?.length ?? 0) - 1;
  // In the manifest: the digest no longer matches.
  const m = suitRejects(() => verifyEnvelope(flip(bytes, manifestAt + 10), { keys: [key] }), 'ERR_SUIT_DIGEST_MISMATCH');
  assert.equal(m.path, 'envelope.authentication-wrapper.digest');
  // In the signature: the block fails and says why.
  const s = suitRejects(() => verifyEnvelope(flip(bytes, sigAt), { keys: [key] }), 'ERR_SUIT_AUTH_FAILED');
  assert.match(s.message, /block 1 \(COSE_Sign1 ES256\): COSE_Sign1: signature does not verify/);
  // Every other position fails too, each with a typed SUIT error.
  const codes = new Set<string>();
  for (let i = 0; i < bytes.length; i++) {
    for (const mask of [0x01, 0x80]) {
      try {
        verifyEnvelope(flip(bytes, i, mask), { keys: [key] });
        assert.fail(`flipping bit ${mask} of byte ${i} still verifies`);
      } catch (e) {
        assert.ok(e instanceof SuitError, `byte ${i}: ${String(e)}`);
        codes.add(e.code);
      }
    }
  }
  assert.ok(codes.has('ERR_SUIT_CBOR') && codes.has('ERR_SUIT_DIGEST_MISMATCH') && codes.has('ERR_SUIT_AUTH_FAILED'));
});

test('severing: the spec example 2 with its members, severed, equals the published severed envelope and verifies', (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  const key = createPublicKey(createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem'))));
  const ex2 = specExamples()[2] as { envelopes: Uint8Array[] };
  const full = ex2.envelopes.find((e) => decodeEnvelope(e).severable.size === 2) as Uint8Array;
  const severedPublished = ex2.envelopes.find((e) => e !== full && decodeEnvelope(e).authentication.blocks.length === 1) as Uint8Array;
  assert.deepEqual(verifyEnvelope(full, { keys: [key] }).severableChecked, ['install', 'text']);
  const severed = severEnvelope(full);
  assert.deepEqual(severed, severedPublished);
  assert.deepEqual(verifyEnvelope(severed, { keys: [key] }).severableChecked, []);
  // Only install severed: text still carried and checked.
  const partly = severEnvelope(full, [20]);
  assert.deepEqual(verifyEnvelope(partly, { keys: [key] }).severableChecked, ['text']);
  // A changed severable member is caught by its digest.
  const textAt = Buffer.from(full).lastIndexOf(Buffer.from('arm.com'));
  const e = suitRejects(() => verifyEnvelope(flip(full, textAt), { keys: [key] }), 'ERR_SUIT_DIGEST_MISMATCH');
  assert.equal(e.path, 'envelope.text');
  // A member held inside the manifest cannot be severed.
  suitRejects(() => severEnvelope(ex2.envelopes[0] as Uint8Array, [7]), 'ERR_SUIT_SEVERED');
});
