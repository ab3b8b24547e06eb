import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeCoseKey, keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { decodeEnvelope } from '../../src/suit/envelope.ts';
import { runCli } from '../helpers/cli.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { flip, LIBCSUIT_DIR } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-suit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
writeFileSync(join(dir, 'key.pem'), p256.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(dir, 'pub.pem'), p256.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'image.bin'), new Uint8Array(1000).fill(0x5a));
writeFileSync(
  join(dir, 'desc.json'),
  JSON.stringify({
    'manifest-version': 1,
    'manifest-sequence-number': 3,
    components: [
      {
        'install-id': ['00'],
        'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
        'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
        file: 'image.bin',
        uri: 'https://updates.example/image.bin',
        bootable: true,
      },
    ],
  }),
);

test('suit create → sign → verify → inspect on the command line', async () => {
  const c = await runCli(['suit', 'create', 'desc.json', '-o', 'u.suit', '--json'], dir);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(JSON.parse(c.out), {
    output: 'u.suit',
    bytes: readFileSync(join(dir, 'u.suit')).length,
    sequenceNumber: 3,
    components: 1,
  });
  const unsigned = await runCli(['suit', 'verify', 'u.suit', '--key', 'pub.pem', '--json'], dir);
  assert.equal(unsigned.code, 1);
  assert.equal(JSON.parse(unsigned.out).code, 'ERR_SUIT_UNAUTHENTICATED');

  const s = await runCli(['suit', 'sign', 'u.suit', '--key', 'key.pem', '--kid', 'k1', '-o', 's.suit'], dir);
  assert.equal(s.code, 0, s.err);
  const v = await runCli(['suit', 'verify', 's.suit', '--key', 'pub.pem', '--json'], dir);
  assert.equal(v.code, 0, v.err);
  const r = JSON.parse(v.out);
  assert.equal(r.valid, true);
  assert.equal(r.blocks[0].algName, 'ES256');
  // The private key PEM works as trust anchor too.
  assert.equal((await runCli(['suit', 'verify', 's.suit', '--key', 'key.pem'], dir)).code, 0);

  // A flipped byte in the manifest: check failed, exit 1, with the code.
  const bytes = new Uint8Array(readFileSync(join(dir, 's.suit')));
  const at = Buffer.from(bytes).indexOf(Buffer.from('updates.example'));
  writeFileSync(join(dir, 'bad.suit'), flip(bytes, at));
  const bad = await runCli(['suit', 'verify', 'bad.suit', '--key', 'pub.pem'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /ERR_SUIT_DIGEST_MISMATCH/);

  const i = await runCli(['suit', 'inspect', 's.suit', '--json'], dir);
  assert.equal(i.code, 0, i.err);
  const doc = JSON.parse(i.out);
  assert.equal(doc.manifest.sequenceNumber, 3);
  assert.equal(doc.manifest.sharedSequence[0].parameters[0].value, 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe');
  assert.equal(doc.manifest.sequences.install[0].parameters[0].value, 'https://updates.example/image.bin');
  const text = await runCli(['suit', 'inspect', 's.suit'], dir);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /sequence number 3/);
  assert.match(
    text.out,
    /install:\n {2}directive-override-parameters uri=https:\/\/updates.example\/image.bin\n {2}directive-fetch \(policy 2\)/,
  );
  writeFileSync(join(dir, 'junk.suit'), Uint8Array.of(0xa1, 0x02));
  const junk = await runCli(['suit', 'inspect', 'junk.suit'], dir);
  assert.equal(junk.code, 1);
  assert.match(junk.err, /ERR_SUIT_CBOR/);
  const d = await runCli(['suit', 'inspect', 's.suit', '--diag'], dir);
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /^107\(\{/);
  assert.match(d.out, /\/ condition-vendor-identifier \/ 1/);
});

test('suit verify takes a COSE_Key as CBOR or hex, symmetric keys for COSE_Mac0', async () => {
  const secret = createSecretKey(new Uint8Array(32).fill(3));
  const coseSecret = encodeCoseKey(keyObjectToCoseKey(secret, { includePrivate: true }));
  writeFileSync(join(dir, 'secret.cbor'), coseSecret);
  writeFileSync(join(dir, 'secret.hex'), `${Buffer.from(coseSecret).toString('hex')}\n`);
  writeFileSync(join(dir, 'pub.cbor'), encodeCoseKey(keyObjectToCoseKey(p256.publicKey)));
  assert.equal((await runCli(['suit', 'create', 'desc.json', '-o', 'u2.suit'], dir)).code, 0);
  const m = await runCli(['suit', 'sign', 'u2.suit', '--key', 'secret.cbor', '-o', 'mac.suit'], dir);
  assert.equal(m.code, 0, m.err);
  const v = await runCli(['suit', 'verify', 'mac.suit', '--key', 'secret.hex', '--json'], dir);
  assert.equal(v.code, 0, v.err);
  assert.equal(JSON.parse(v.out).blocks[0].type, 'COSE_Mac0');
  // Wrong key: exit 1; two keys given: the right one is found.
  assert.equal((await runCli(['suit', 'verify', 'mac.suit', '--key', 'pub.cbor'], dir)).code, 1);
  assert.equal((await runCli(['suit', 'verify', 'mac.suit', '--key', 'pub.cbor', '--key', 'secret.cbor'], dir)).code, 0);
  assert.equal(decodeEnvelope(new Uint8Array(readFileSync(join(dir, 'mac.suit')))).authentication.blocks.length, 1);
});

test('usage errors exit 2: unreadable key, unknown algorithm', async () => {
  assert.equal((await runCli(['suit', 'verify', 'u.suit', '--key', 'nope.pem'], dir)).code, 2);
  assert.equal((await runCli(['suit', 'sign', 'u.suit', '--key', 'key.pem', '--alg', 'XX', '-o', 'x.suit'], dir)).code, 2);
  const pub = await runCli(['suit', 'sign', 'u.suit', '--key', 'pub.pem', '-o', 'x.suit'], dir);
  assert.equal(pub.code, 2);
  assert.match(pub.err, /signing needs a private key/);
  writeFileSync(join(dir, 'junk.key'), 'not a key at all');
  assert.equal((await runCli(['suit', 'verify', 'u.suit', '--key', 'junk.key'], dir)).code, 2);
});

test('suit verify accepts the libcsuit trust anchor and HMAC key files as published', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const es = await runCli(
    ['suit', 'verify', join(LIBCSUIT_DIR, 'suit_manifest_exp1.suit'), '--key', join(LIBCSUIT_DIR, 'key', 'trust_anchor_secp256r1_pub.pem')],
    dir,
  );
  assert.equal(es.code, 0, es.err);
  assert.match(es.out, /COSE_Sign1 ESP256/);
  const mac = await runCli(
    [
      'suit',
      'verify',
      join(LIBCSUIT_DIR, 'suit_manifest_expAW.suit'),
      '--key',
      join(LIBCSUIT_DIR, 'key', 'trust_anchor_hmac256_cose_key_secret.hex'),
    ],
    dir,
  );
  assert.equal(mac.code, 0, mac.err);
  assert.match(mac.out, /COSE_Mac0 HMAC_256_256/);
  // The DER forms of the trust anchor work too.
  for (const der of ['trust_anchor_secp256r1_pub.der', 'trust_anchor_secp256r1.der']) {
    const r = await runCli(['suit', 'verify', join(LIBCSUIT_DIR, 'suit_manifest_exp0.suit'), '--key', join(LIBCSUIT_DIR, 'key', der)], dir);
    assert.equal(r.code, 0, `${der}: ${r.err}`);
  }
});
