/**
 * The SUIT processor against the independent vectors: the libcsuit envelopes processed against
 * raw_image.bin as their notes describe, and the draft-ietf-suit-manifest examples on a simulated
 * device. The core examples (0–5) carry the draft's placeholder image digest
 * (00112233…) and size (34768), which raw_image.bin does not have: processing them fetches and
 * installs raw_image.bin and then fails condition-image-match at the exact command, naming the
 * size or digest. The encrypted ones (AW, EW) decrypt to raw_image.bin and install it.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CoseKey, coseKeyToKeyObject, decodeCoseKey } from '../../src/codec/cose/key.ts';
import { signEnvelope } from '../../src/suit/authenticate.ts';
import { buildEnvelope } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { decryptPayload } from '../../src/suit/encryption/decrypt-payload.ts';
import { processEnvelope, type SuitProcessRun } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice, type SimulatedDeviceOptions } from '../../src/suit/process/simulated-device.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { hexFile, LIBCSUIT_DIR, SPEC_DIR, specExamples } from './helpers.ts';
import { CLASS, VENDOR } from './process-helpers.ts';

const key = (name: string, priv: boolean): KeyObject =>
  coseKeyToKeyObject(decodeCoseKey(hexFile(join(LIBCSUIT_DIR as string, 'key', `${name}.hex`))) as CoseKey, { private: priv });

const read = (name: string) => new Uint8Array(readFileSync(join(LIBCSUIT_DIR as string, name)));

async function run(
  file: string,
  o: SimulatedDeviceOptions & { decryptKeys?: KeyObject[]; mode?: 'update' | 'boot' } = {},
): Promise<SuitProcessRun & { device: ReturnType<typeof createSimulatedDevice> }> {
  const dir = LIBCSUIT_DIR as string;
  const image = read('raw_image.bin');
  const anchors = [
    createPublicKey(readFileSync(join(dir, 'key', 'trust_anchor_secp256r1_pub.pem'))),
    decodeCoseKey(hexFile(join(dir, 'key', 'trust_anchor_hmac256_cose_key_secret.hex'))),
  ];
  const device = createSimulatedDevice({
    autoCreateComponents: true,
    identity: { vendorId: VENDOR, classId: CLASS },
    payloads: {
      'http://example.com/file.bin': image,
      'http://example.com/file1.bin': image,
      'http://example.com/file2.bin': image,
      'http://example.com/very/long/path/to/file/file.bin': image,
    },
    ...o,
  });
  const { decryptKeys, mode } = o;
  const r = await processEnvelope(read(file), {
    keys: anchors,
    device,
    ...(mode === undefined ? {} : { mode }),
    ...(decryptKeys === undefined
      ? {}
      : { decrypt: (encryptionInfo, ciphertext) => decryptPayload({ encryptionInfo, ciphertext, keys: decryptKeys }) }),
  });
  return { ...r, device };
}

const failedAt = (r: SuitProcessRun) =>
  r.outcome.result.ok
    ? 'ok'
    : `${r.outcome.result.failedAt.sequence}[${r.outcome.result.failedAt.commandIndex}] ${r.outcome.result.failedAt.command}`;

test('libcsuit core examples: raw_image.bin is fetched and installed, then fails the placeholder image digest', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const image = read('raw_image.bin');
  // Example 0, secure boot: the image is already in place; validate fails on its size.
  const e0 = await run('suit_manifest_exp0.suit', { components: [{ id: [new Uint8Array([0])], slots: { 0: image } }] });
  assert.equal(failedAt(e0), 'validate[0] condition-image-match');
  assert.match(e0.error?.message ?? '', /holds 30 bytes, image-size is 34768/);
  assert.deepEqual(e0.sequences, ['validate']);
  // Example 1: install fetches the image, then the image match fails.
  const e1 = await run('suit_manifest_exp1.suit');
  assert.equal(failedAt(e1), 'install[2] condition-image-match');
  assert.deepEqual(e1.device.contents([new Uint8Array([0])]), image);
  assert.deepEqual(e1.device.events[0], { kind: 'fetch', uri: 'http://example.com/file.bin', bytes: 30 });
  // Its records: the shared sequence's identity checks and the failed image match (policy 15).
  assert.deepEqual(
    e1.outcome.records.map((r) => `${r.sequence}[${r.commandIndex}] ${r.command}`),
    ['shared-sequence[1] condition-vendor-identifier', 'shared-sequence[2] condition-class-identifier', 'install[2] condition-image-match'],
  );
  // Example 2: 2A has install severed and absent, so an update cannot run; 2B carries it.
  assert.equal((await run('suit_manifest_exp2A.suit')).error?.code, 'ERR_SUIT_SEQUENCE_MISSING');
  const e2b = await run('suit_manifest_exp2B.suit');
  assert.equal(failedAt(e2b), 'install[2] condition-image-match');
  assert.equal(e2b.device.events[0]?.kind, 'fetch');
  // Example 3, A/B: the device in slot 1 takes the second alternative (file2.bin).
  const e3 = await run('suit_manifest_exp3.suit', { components: [{ id: [new Uint8Array([0])], currentSlot: 1 }] });
  assert.equal(failedAt(e3), 'install[2] condition-image-match');
  assert.deepEqual(e3.device.events[0], { kind: 'fetch', uri: 'http://example.com/file2.bin', bytes: 30 });
  assert.match(e3.error?.message ?? '', /image-size is 76834/);
  const noSlot = await run('suit_manifest_exp3.suit');
  assert.equal(failedAt(noSlot), 'shared-sequence[1] directive-try-each');
  // Example 4: payload-fetch stores into component 02, then its digest does not match.
  const e4 = await run('suit_manifest_exp4.suit');
  assert.equal(failedAt(e4), 'payload-fetch[3] condition-image-match');
  assert.match(e4.error?.message ?? '', /digest of h'02' is 36921488fe6680712f734e11f58d87eeb66d4b21a8a1ad3441060814da16d50f/);
  // Example 5: two images; the first image match fails.
  const e5 = await run('suit_manifest_exp5.suit');
  assert.equal(failedAt(e5), 'install[3] condition-image-match');
  // A device of another vendor stops every one of them at the vendor check, before any fetch.
  const other = await run('suit_manifest_exp1.suit', { identity: { vendorId: new Uint8Array(16), classId: CLASS } });
  assert.equal(failedAt(other), 'shared-sequence[1] condition-vendor-identifier');
  assert.deepEqual(other.device.events, []);
});

test('libcsuit S0 (trust domains, content and write) installs and invokes', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const r = await run('suit_manifest_expS0.suit');
  assert.deepEqual(r.outcome.result, { ok: true });
  assert.deepEqual(Buffer.from(r.device.contents([new Uint8Array(Buffer.from('00'))]) ?? []).toString(), 'hello world');
  assert.deepEqual(r.device.events.at(-1), { kind: 'invoke', component: '00', args: new Uint8Array(Buffer.from('cat 00')) });
  assert.equal(r.device.lastSequenceNumber(), 0);
});

test('libcsuit U0 (copy-params, use-before, battery, version, authorization) and U1 (override-multiple, wait)', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const c0 = [new Uint8Array([0])];
  const c1 = [new Uint8Array([1])];
  const meets: SimulatedDeviceOptions = {
    now: 1696291199,
    battery: 10,
    components: [
      { id: c0, version: [1, 0] },
      { id: c1, version: [1, 0, 1] },
    ],
  };
  const asked: unknown[] = [];
  const ok = await run('suit_manifest_expU0.suit', {
    ...meets,
    authorize: (q) => {
      asked.push(q);
      return true;
    },
  });
  assert.deepEqual(ok.outcome.result, { ok: true }, ok.error?.message);
  // copy-params gave component 1 the priority of component 0 (-1, critical).
  assert.deepEqual(asked, [
    { componentIndex: 0, priority: -1 },
    { componentIndex: 1, priority: -1 },
  ]);
  for (const [change, command, component] of [
    [{ now: 1696291200 }, 'condition-use-before', 0],
    [{ battery: 9 }, 'condition-minimum-battery', 0],
    [
      {
        components: [
          { id: c0, version: [1, 0] },
          { id: c1, version: [1, 0, 2] },
        ],
      },
      'condition-version',
      1,
    ],
    [{ authorize: false }, 'condition-update-authorized', 0],
  ] as [SimulatedDeviceOptions, string, number][]) {
    const r = await run('suit_manifest_expU0.suit', { ...meets, ...change });
    assert.ok(!r.outcome.result.ok, command);
    assert.equal(r.outcome.result.failedAt.command, command);
    assert.equal(r.outcome.result.failedAt.componentIndex, component, command);
  }
  const u1 = await run('suit_manifest_expU1.suit');
  assert.deepEqual(u1.outcome.result, { ok: true });
  assert.deepEqual(
    u1.device.events.filter((e) => e.kind === 'wait').map((e) => (e.kind === 'wait' ? [...(e.info ?? [])] : [])),
    [
      [
        [1, -1],
        [2, 10],
      ],
      [[6, 82800]],
    ],
  );
});

test('libcsuit AW and EW: the payload is decrypted on write and raw_image.bin installed', async (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const image = read('raw_image.bin');
  for (const [file, component, k] of [
    ['suit_manifest_expAW.suit', 'plaintext-firmware', key('trust_anchor_a128_cose_key_secret', true)],
    ['suit_manifest_expEW.suit', 'decrypted-firmware', key('device_esdh_cose_key_private', true)],
  ] as const) {
    const r = await run(file, { decryptKeys: [k] });
    assert.deepEqual(r.outcome.result, { ok: true }, `${file}: ${r.error?.message}`);
    assert.deepEqual(r.device.contents([new Uint8Array(Buffer.from(component))]), image, file);
    // Without a key the write fails with a typed error; with a wrong key the decryption error is the result.
    assert.equal((await run(file)).error?.code, 'ERR_SUIT_DECRYPT_UNAVAILABLE');
    const wrong = await run(file, {
      decryptKeys: [key(file.includes('AW') ? 'device_esdh_cose_key_private' : 'trust_anchor_a128_cose_key_secret', true)],
    });
    assert.equal(wrong.error?.code, 'ERR_SUIT_DECRYPT_NO_KEY', wrong.error?.message);
  }
});

test('draft-ietf-suit-manifest examples run on a simulated device: what installs, what fails and where', async (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  const signer = createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem')));
  const anchor = createPublicKey(signer);
  const image = new Uint8Array(34768);
  const results: string[] = [];
  for (const ex of specExamples()) {
    // The signed envelope is the last one the example gives.
    const envelope = ex.envelopes.at(-1) as Uint8Array;
    const device = () =>
      createSimulatedDevice({
        autoCreateComponents: true,
        identity: { vendorId: VENDOR, classId: CLASS },
        payloads: {
          'http://example.com/file.bin': image,
          'http://example.com/file1.bin': image,
          'http://example.com/file2.bin': image,
          'http://example.com/very/long/path/to/file/file.bin': image,
        },
        components: [{ id: [new Uint8Array([0])], currentSlot: 0, slots: { 0: image } }],
      });
    const r = await processEnvelope(envelope, { keys: [anchor], device: device() });
    results.push(`${ex.name}: ${failedAt(r)}`);
    // Re-signing with the same key gives an envelope that processes the same way.
    const again = await processEnvelope(signEnvelope(envelope, { key: signer, replace: true }), { keys: [anchor], device: device() });
    assert.equal(failedAt(again), failedAt(r), ex.name);
  }
  // Every example reaches an image-match that the placeholder digest fails (the image has the right size).
  assert.deepEqual(results, [
    'example0: validate[0] condition-image-match',
    'example1: install[2] condition-image-match',
    'example2: install[2] condition-image-match',
    'example3: install[2] condition-image-match',
    'example4: payload-fetch[3] condition-image-match',
    'example5: install[3] condition-image-match',
  ]);
});

test('the draft examples descriptions, with a real image instead of the placeholder digest: create → sign → process succeeds', async (t) => {
  if (SPEC_DIR === undefined) return t.skip(vectorsMissing('suit/manifest-spec'));
  const signer = createPrivateKey(readFileSync(join(SPEC_DIR, 'private_key.pem')));
  const image = new Uint8Array(Buffer.from('an image the examples can match'));
  const outcomes: string[] = [];
  for (const ex of specExamples()) {
    const d = structuredClone(ex.description) as { components: Record<string, unknown>[] };
    for (const c of d.components) {
      for (const k of ['install-digest', 'install-size', 'load-digest', 'load-size', 'download-digest']) delete c[k];
      c.file = 'image.bin';
    }
    let built: Uint8Array;
    try {
      built = buildEnvelope(parseDescription(d, { readFile: () => image }));
    } catch (e) {
      outcomes.push(`${ex.name}: ${(e as { code?: string }).code}`);
      continue;
    }
    const device = createSimulatedDevice({
      autoCreateComponents: true,
      identity: { vendorId: VENDOR, classId: CLASS },
      payloads: Object.fromEntries(
        ['file.bin', 'file1.bin', 'file2.bin', 'very/long/path/to/file/file.bin'].map((f) => [`http://example.com/${f}`, image]),
      ),
      // Example 0 is a secure boot: the image is already installed.
      components: [{ id: [new Uint8Array([0])], currentSlot: 0, ...(ex.name === 'example0' ? { slots: { 0: image } } : {}) }],
    });
    const r = await processEnvelope(signEnvelope(built, { key: signer }), { keys: [createPublicKey(signer)], device });
    outcomes.push(`${ex.name}: ${failedAt(r)}${r.error === undefined ? '' : ` ${r.error.message}`}`);
  }
  assert.deepEqual(outcomes, ['example0: ok', 'example1: ok', 'example2: ok', 'example3: ok', 'example4: ok', 'example5: ok']);
});
