import assert from 'node:assert/strict';
import { createHash, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { encode } from '../../src/codec/cbor.ts';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { signSign } from '../../src/codec/cose/sign.ts';
import { severEnvelope, signEnvelope, verifyEnvelope } from '../../src/suit/authenticate.ts';
import { buildEnvelope, buildManifest } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { digestOf, encodeDigest } from '../../src/suit/digest.ts';
import { assembleEnvelope, decodeEnvelope, encodeEnvelope, partsOf, readEnvelope, wrapped } from '../../src/suit/envelope.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { flip, SPEC_DIR, specExamples, suitRejects } from './helpers.ts';

test('creating from the draft examples descriptions gives the published unsigned envelopes byte for byte', (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  assert.equal(specExamples().length, 6, 'the six examples of the manifest draft');
  for (const ex of specExamples()) {
    const built = buildEnvelope(parseDescription(ex.description));
    if (ex.name === 'example2') {
      // IoTopia writes every component text field of the description (model-info and
      // component-version too), so only suit-text and its digest differ from the published one.
      const mine = decodeEnvelope(built);
      const theirs = decodeEnvelope(ex.envelopes[2] as Uint8Array);
      assert.deepEqual(mine.severable.get(20)?.bytes, theirs.severable.get(20)?.bytes);
      assert.deepEqual(mine.manifest.severed.get(20), theirs.manifest.severed.get(20));
      assert.deepEqual([...mine.manifest.sequences], [...theirs.manifest.sequences]);
      assert.deepEqual(mine.manifest.common, theirs.manifest.common);
      const fields = (e: typeof mine) => {
        const entry = e.severable.get(23)?.text?.languages[0]?.entries[1];
        return entry !== undefined && 'fields' in entry ? entry.fields.map((f) => f.key) : [];
      };
      assert.deepEqual(fields(theirs), [3, 5]);
      assert.deepEqual(fields(mine), [3, 4, 5, 6]);
      continue;
    }
    assert.deepEqual(built, ex.envelopes[0], `${ex.name}: built envelope differs`);
  }
});

const IMAGE = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
const description = {
  'manifest-version': 1,
  'manifest-sequence-number': 7,
  components: [
    {
      'install-id': ['00'],
      'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
      'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
      file: 'image.bin',
      uri: 'coaps://updates.example/image.bin',
      bootable: true,
    },
  ],
};

test('image digest and size are computed from the file', () => {
  const d = parseDescription(description, { readFile: (p) => (p === 'image.bin' ? IMAGE : assert.fail(p)) });
  const m = buildManifest(d);
  const params = m.common.sharedSequence?.[0]?.argument;
  assert.equal(params?.kind, 'parameters');
  const byCode = new Map(params.kind === 'parameters' ? params.parameters.map((p) => [p.code, p.value]) : []);
  assert.deepEqual((byCode.get(3) as { bytes: Uint8Array }).bytes, new Uint8Array(createHash('sha256').update(IMAGE).digest()));
  assert.equal(byCode.get(14), IMAGE.length);
  // A stated digest that contradicts the file is refused.
  const wrong = structuredClone(description) as { components: Record<string, unknown>[] };
  (wrong.components[0] as Record<string, unknown>)['install-size'] = 1;
  suitRejects(() => parseDescription(wrong, { readFile: () => IMAGE }), 'ERR_SUIT_DESCRIPTION');
  suitRejects(() => parseDescription({ ...description, components: [{ 'install-id': 'x' }] }), 'ERR_SUIT_DESCRIPTION');
  suitRejects(() => parseDescription({ ...description, extra: 1 }), 'ERR_SUIT_DESCRIPTION');
});

test('create → sign → verify with ES256, ES384, ESP256, EdDSA and HMAC 256/256; several blocks', () => {
  const unsigned = buildEnvelope(parseDescription(description, { readFile: () => IMAGE }));
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ed = generateKeyPairSync('ed25519');
  const secret = createSecretKey(new Uint8Array(32).fill(9));
  for (const [key, verifyKey, alg, expected] of [
    [p256.privateKey, p256.publicKey, undefined, Algorithm.ES256],
    [p384.privateKey, p384.publicKey, undefined, Algorithm.ES384],
    [p256.privateKey, keyObjectToCoseKey(p256.publicKey), Algorithm.ESP256, Algorithm.ESP256],
    [ed.privateKey, ed.publicKey, undefined, Algorithm.EdDSA],
    [secret, keyObjectToCoseKey(secret, { includePrivate: true }), undefined, Algorithm.HMAC_256_256],
  ] as const) {
    const signed = signEnvelope(unsigned, { key, ...(alg === undefined ? {} : { alg }) });
    const r = verifyEnvelope(signed, { keys: [verifyKey] });
    assert.equal(r.blocks[0]?.alg, expected);
    assert.equal(r.envelope.manifest.sequenceNumber, 7);
    // The signed envelope re-encodes to itself.
    assert.deepEqual(encodeEnvelope(r.envelope), signed);
  }
  // Two blocks: one verifies with each key; requireAll needs both keys.
  const two = signEnvelope(signEnvelope(unsigned, { key: p256.privateKey }), { key: ed.privateKey });
  assert.equal(verifyEnvelope(two, { keys: [ed.publicKey] }).blocks.filter((b) => b.verified).length, 1);
  const e = suitRejects(() => verifyEnvelope(two, { keys: [ed.publicKey], requireAll: true }), 'ERR_SUIT_AUTH_FAILED');
  assert.match(e.message, /block 1 \(COSE_Sign1 ES256\)/);
  assert.equal(verifyEnvelope(two, { keys: [ed.publicKey, p256.publicKey], requireAll: true }).blocks.length, 2);
  // Replacing drops the old block; a wrong key fails; an algorithm allow-list applies.
  const replaced = signEnvelope(two, { key: p384.privateKey, replace: true });
  assert.equal(decodeEnvelope(replaced).authentication.blocks.length, 1);
  suitRejects(() => verifyEnvelope(replaced, { keys: [p256.publicKey] }), 'ERR_SUIT_AUTH_FAILED');
  suitRejects(() => verifyEnvelope(replaced, { keys: [p384.publicKey], algorithms: [Algorithm.ES256] }), 'ERR_SUIT_AUTH_FAILED');
  // SHA-384 and SHA-512 manifest digests: the digest is recomputed and checked on verify.
  for (const alg of [-43, -44]) {
    const other = signEnvelope(unsigned, { key: p256.privateKey, digestAlgorithm: alg });
    const d = verifyEnvelope(other, { keys: [p256.publicKey] }).envelope.authentication.digest;
    assert.equal(d.algorithm, alg);
    assert.equal(d.bytes.length, alg === -43 ? 48 : 64);
    const at = Buffer.from(other).indexOf(Buffer.from(d.bytes));
    suitRejects(() => verifyEnvelope(flip(other, at + 3), { keys: [p256.publicKey] }), 'ERR_SUIT_DIGEST_MISMATCH');
  }
});

test('severable create → sign → verify → sever → verify, and a changed severed member is caught', () => {
  const d = parseDescription(
    { ...description, severable: true, description: { en: { 'update-description': 'fixes' } } },
    { readFile: () => IMAGE },
  );
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = signEnvelope(buildEnvelope(d), { key: key.privateKey });
  assert.deepEqual(verifyEnvelope(signed, { keys: [key.publicKey] }).severableChecked, ['install', 'text']);
  const severed = severEnvelope(signed);
  assert.ok(severed.length < signed.length);
  const r = verifyEnvelope(severed, { keys: [key.publicKey] });
  assert.deepEqual(r.severableChecked, []);
  assert.deepEqual([...r.envelope.manifest.severed.keys()], [20, 23]);
  const at = Buffer.from(signed).lastIndexOf(Buffer.from('fixes'));
  const e = suitRejects(() => verifyEnvelope(flip(signed, at), { keys: [key.publicKey] }), 'ERR_SUIT_DIGEST_MISMATCH');
  assert.equal(e.path, 'envelope.text');
});

test('a COSE_Sign authentication block (several signers) verifies too', () => {
  const unsigned = buildEnvelope(parseDescription(description, { readFile: () => IMAGE }));
  const raw = readEnvelope(unsigned);
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b = generateKeyPairSync('ed25519');
  const block = signSign({
    payload: raw.authentication.digestBytes,
    detached: true,
    signers: [
      { key: a.privateKey, protectedHeaders: new Map([[1, Algorithm.ES256]]) },
      { key: b.privateKey, protectedHeaders: new Map([[1, Algorithm.EdDSA]]) },
    ],
  });
  const env = assembleEnvelope({ ...partsOf(raw), blocks: [block] });
  const r = verifyEnvelope(env, { keys: [a.publicKey] });
  assert.deepEqual(
    r.blocks.map((x) => [x.type, x.verified]),
    [['COSE_Sign', true]],
  );
  suitRejects(() => verifyEnvelope(env, { keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey] }), 'ERR_SUIT_AUTH_FAILED');
});

test('authentication comes before the manifest is decoded: a malformed manifest under a bad signature fails authentication', () => {
  const author = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // A manifest whose validate sequence has an odd length (malformed), wrapped in a fresh envelope.
  const manifestBytes = encode(
    new Map<number, unknown>([
      [1, 1],
      [2, 0],
      [3, encode(new Map([[2, [[Uint8Array.of(0)]]]]))],
      [7, encode([3, 15, 23])],
    ]),
  );
  const unsigned = assembleEnvelope({
    tagged: true,
    digestBytes: encodeDigest(digestOf(-16, wrapped(manifestBytes))),
    blocks: [],
    manifestBytes,
    severable: new Map(),
    integrated: new Map(),
    extensions: new Map(),
    keyOrder: [],
  });
  const signed = signEnvelope(unsigned, { key: other.privateKey });
  suitRejects(() => verifyEnvelope(signed, { keys: [author.publicKey] }), 'ERR_SUIT_AUTH_FAILED');
  // Authentic, the same manifest is then decoded and refused for what it is.
  const e = suitRejects(() => verifyEnvelope(signed, { keys: [other.publicKey] }), 'ERR_SUIT_MALFORMED');
  assert.equal(e.path, 'manifest.validate');
});
