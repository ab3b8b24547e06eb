import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { LIBCSUIT_DIR } from './helpers.ts';
import { CLASS, IMAGE, imageDigest, makeEnvelope, params, testKey, VENDOR } from './process-helpers.ts';
import { APPENDIX_B_PUBLIC_KEY, B1_DEPENDENT, B1_FETCHED } from './trust-domains-examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-suit-process-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const key = testKey();
writeFileSync(join(dir, 'pub.pem'), key.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'image.bin'), IMAGE);
const URI = 'https://updates.example/fw.bin';
const shared = [
  20,
  params([
    [1, VENDOR],
    [2, CLASS],
    [3, imageDigest(IMAGE)],
    [14, IMAGE.length],
  ]),
  1,
  15,
  2,
  15,
];
writeFileSync(
  join(dir, 'm.suit'),
  makeEnvelope(
    {
      sequenceNumber: 4,
      components: [[new Uint8Array([0])]],
      shared,
      sequences: { 20: [20, params([[21, URI]]), 21, 2, 3, 15], 7: [3, 15], 9: [23, 2] },
    },
    key.privateKey,
  ),
);

test('suit process: an update runs, prints each step and the result; --json gives the run', async () => {
  const r = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', '--image', `${URI}=image.bin`], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /ok {3}install\[1\] directive-fetch \(h'00'\): fetched https:\/\/updates\.example\/fw\.bin: 43 bytes/);
  assert.match(r.out, /result: ok \(install, validate, invoke\); device sequence number now 4/);
  const j = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', '--image', `${URI}=image.bin`, '--json'], dir);
  assert.equal(j.code, 0, j.err);
  const out = JSON.parse(j.out);
  assert.equal(out.ok, true);
  assert.deepEqual(out.sequences, ['install', 'validate', 'invoke']);
  assert.deepEqual(out.events.at(-1), { kind: 'invoke', component: "h'00'" });
  // Boot only: the image preloaded into component 00 (by its hex) is validated and invoked.
  const b = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', '--image', '00=image.bin', '--boot', '--json'], dir);
  assert.equal(b.code, 0, b.err);
  assert.deepEqual(JSON.parse(b.out).sequences, ['validate', 'invoke']);
});

test('suit process: rollback, a foreign vendor, a missing payload and a wrong key fail with exit 1', async () => {
  const rollback = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', '--stored-sequence', '4', '--json'], dir);
  assert.equal(rollback.code, 1);
  assert.equal(JSON.parse(rollback.out).result.code, 'ERR_SUIT_ROLLBACK');
  const vendor = await runCli(
    ['suit', 'process', 'm.suit', '--key', 'pub.pem', '--vendor-id', '00000000-0000-0000-0000-000000000001'],
    dir,
  );
  assert.equal(vendor.code, 1);
  assert.match(vendor.out, /FAIL shared-sequence\[1\] condition-vendor-identifier/);
  const missing = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /ERR_SUIT_FETCH_FAILED/);
  writeFileSync(join(dir, 'other.pem'), testKey().publicKey.export({ type: 'spki', format: 'pem' }));
  const wrong = await runCli(['suit', 'process', 'm.suit', '--key', 'other.pem', '--json'], dir);
  assert.equal(wrong.code, 1);
  assert.equal(JSON.parse(wrong.out).code, 'ERR_SUIT_AUTH_FAILED');
});

test('suit process: usage errors exit 2', async () => {
  for (const args of [
    ['--image', 'nocomponent=image.bin'],
    ['--image', 'image.bin'],
    ['--image', `${URI}=absent.bin`],
    ['--stored-sequence', '-1'],
    ['--key', 'absent.pem'],
  ]) {
    const r = await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
  }
});

test('suit process: libcsuit example 1 against raw_image.bin, and AW decrypted with --decrypt-key', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const k = (n: string) => join(LIBCSUIT_DIR as string, 'key', n);
  const raw = join(LIBCSUIT_DIR, 'raw_image.bin');
  const e1 = await runCli(
    [
      'suit',
      'process',
      join(LIBCSUIT_DIR, 'suit_manifest_exp1.suit'),
      '--key',
      k('trust_anchor_secp256r1_pub.pem'),
      '--image',
      `http://example.com/file.bin=${raw}`,
    ],
    dir,
  );
  assert.equal(e1.code, 1);
  assert.match(e1.out, /FAIL install\[2\] condition-image-match \(h'00'\): .*image-size is 34768 \[ERR_SUIT_CONDITION_FAILED\]/);
  const aw = join(LIBCSUIT_DIR, 'suit_manifest_expAW.suit');
  const ok = await runCli(
    [
      'suit',
      'process',
      aw,
      '--key',
      k('trust_anchor_hmac256_cose_key_secret.hex'),
      '--decrypt-key',
      k('trust_anchor_a128_cose_key_secret.hex'),
    ],
    dir,
  );
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /wrote 30 bytes \(decrypted\)/);
  const none = await runCli(['suit', 'process', aw, '--key', k('trust_anchor_hmac256_cose_key_secret.hex')], dir);
  assert.equal(none.code, 1);
  assert.match(none.err, /ERR_SUIT_DECRYPT_UNAVAILABLE/);
});

test('suit process --report writes the SUIT report of the run, signed with --report-key; none for an unauthenticated envelope', async () => {
  const device = testKey();
  writeFileSync(join(dir, 'device.pem'), device.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'device.pub.pem'), device.publicKey.export({ type: 'spki', format: 'pem' }));
  const ok = await runCli(
    ['suit', 'process', 'm.suit', '--key', 'pub.pem', '--image', `${URI}=image.bin`, '--report', 'ok.cbor', '--report-key', 'device.pem'],
    dir,
  );
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /report written to ok\.cbor \(\d+ bytes, protected\)/);
  const inspected = await runCli(['suit', 'report', 'inspect', 'ok.cbor', '--key', 'device.pub.pem', '--json'], dir);
  assert.equal(inspected.code, 0, inspected.err);
  const report = JSON.parse(inspected.out);
  assert.equal(report.verified, true);
  assert.equal(report.protection, 'COSE_Sign1');
  assert.deepEqual(report.result, { ok: true });
  // A refused update still reports, with the failure.
  const refused = await runCli(
    ['suit', 'process', 'm.suit', '--key', 'pub.pem', '--stored-sequence', '9', '--report', 'refused.cbor'],
    dir,
  );
  assert.equal(refused.code, 1);
  const r2 = JSON.parse((await runCli(['suit', 'report', 'inspect', 'refused.cbor', '--json'], dir)).out);
  assert.equal(r2.result.ok, false);
  assert.equal(r2.protection, 'none');
  // Nothing is reported for an envelope that does not verify; --report-key needs --report.
  const unauth = await runCli(['suit', 'process', 'm.suit', '--key', 'device.pub.pem', '--report', 'unauth.cbor'], dir);
  assert.equal(unauth.code, 1);
  assert.equal((await runCli(['suit', 'report', 'inspect', 'unauth.cbor'], dir)).code, 2);
  assert.equal((await runCli(['suit', 'process', 'm.suit', '--key', 'pub.pem', '--report-key', 'device.pem'], dir)).code, 2);
});

test('suit process: the draft-ietf-suit-trust-domains-12 Appendix B.1 example runs, its Dependency (index 1) fetched and processed', async () => {
  writeFileSync(join(dir, 'td-key.pem'), APPENDIX_B_PUBLIC_KEY);
  writeFileSync(join(dir, 'td-b1.suit'), B1_DEPENDENT);
  writeFileSync(join(dir, 'td-fetched.suit'), B1_FETCHED);
  const args = ['suit', 'process', 'td-b1.suit', '--key', 'td-key.pem', '--image', 'http://example.com/dependent.suit=td-fetched.suit'];
  const r = await runCli(args, dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /install\[3\] directive-process-dependency \(dependent\.suit\): processed the dependency's install/);
  const j = JSON.parse((await runCli([...args, '--json'], dir)).out);
  assert.equal(j.ok, true);
  assert.deepEqual(
    j.events.filter((e: { kind: string }) => e.kind === 'write').map((e: { component: string }) => e.component),
    ['dependent.suit', '00', '10'],
  );
  // Without the Dependency at its URI the fetch fails.
  const missing = await runCli(['suit', 'process', 'td-b1.suit', '--key', 'td-key.pem'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.out, /dependency-resolution\[2\] directive-fetch/);
});
