import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { decodeCoseKey, keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { componentIdOf } from '../../../src/lifecycle/releases/envelope.ts';
import { classIdOf, vendorIdOf } from '../../../src/lifecycle/releases/identifiers.ts';
import { uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createRelease, getRelease, importRelease, setReleaseState } from '../../../src/lifecycle/releases/releases.ts';
import { ensureUpdateAuthority, updateTrustAnchors } from '../../../src/lifecycle/releases/update-authority.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { signEnvelope, verifyEnvelope } from '../../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../../src/suit/constants.ts';
import { buildEnvelope } from '../../../src/suit/create/build.ts';
import { processEnvelope } from '../../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice } from '../../../src/suit/process/simulated-device.ts';
import { image, KEK, pieces, releaseFixture, uriOf } from './fixture.ts';

const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, String(e));
  return true;
};
const ACTOR = 'token:test';

async function withPayload(f: Awaited<ReturnType<typeof releaseFixture>>, n = 3000) {
  const bytes = image(n);
  const { payload } = await uploadPayload(f.service.payloads, pieces(bytes));
  return { bytes, component: { id: 'firmware', digest: payload.digest, size: payload.size } };
}

test('the update-authority key is made once and kept; its public COSE_Key is the trust anchor', async () => {
  const store = await openStore(':memory:', { kek: KEK });
  try {
    assert.deepEqual(await updateTrustAnchors(store.keys), []);
    const first = await ensureUpdateAuthority(store);
    const again = await ensureUpdateAuthority(store);
    assert.deepEqual([first.created, again.created], [true, false]);
    assert.deepEqual(again.kid, first.kid);
    const anchors = await updateTrustAnchors(store.keys);
    assert.equal(anchors.length, 1);
    const key = decodeCoseKey(anchors[0] as Uint8Array);
    assert.equal(key.get(1), 2, 'kty EC2');
    assert.equal(key.get(-1), 1, 'crv P-256');
    assert.equal(key.get(-4), undefined, 'no private scalar');
    assert.deepEqual(key.get(2), first.kid);
    const record = await store.keys.get('update-authority');
    assert.ok(record?.privateKey !== undefined && record.privateKey.length > 0);
    const extra = keyObjectToCoseKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    assert.equal((await updateTrustAnchors(store.keys, [extra])).length, 2);
  } finally {
    await store.close();
  }
});

test('the trust anchors read the update-authority key from the store once it exists, and again while it does not', async () => {
  const store = await openStore(':memory:', { kek: KEK });
  try {
    let reads = 0;
    const keys = new Proxy(store.keys, {
      get(target, name, receiver) {
        const v = Reflect.get(target, name, receiver);
        if (name !== 'get' || typeof v !== 'function') return v;
        return (...a: unknown[]) => {
          reads++;
          return v.apply(target, a);
        };
      },
    });
    assert.deepEqual(await updateTrustAnchors(keys), []);
    assert.deepEqual(await updateTrustAnchors(keys), []);
    assert.equal(reads, 2, 'no key yet: the store is asked each time');
    await ensureUpdateAuthority(store);
    const first = await updateTrustAnchors(keys);
    const again = await updateTrustAnchors(keys);
    assert.equal(reads, 3, 'found once, then kept');
    assert.deepEqual(again, first);
    assert.equal(first.length, 1);
  } finally {
    await store.close();
  }
});

test('a created release: signed envelope verifies with the trust anchor and installs the payload on a simulated device', async () => {
  const f = await releaseFixture();
  try {
    const { bytes, component } = await withPayload(f, 300_000);
    const made = await createRelease(
      f.service.releases,
      {
        model: 'bulb-x1',
        version: '1.2.0',
        sequenceNumber: 7,
        components: [component],
        sbomRef: 'https://sbom.example/bulb-1.2.0.spdx.json',
      },
      ACTOR,
    );
    assert.deepEqual(
      [made.state, made.origin, made.sequenceNumber, made.sbomRef],
      ['published', 'signed', 7, 'https://sbom.example/bulb-1.2.0.spdx.json'],
    );
    const full = await getRelease(f.store, made.id);
    assert.equal(createHash('sha256').update(full.envelope).digest('hex'), made.envelopeDigest);
    const anchor = decodeCoseKey((await updateTrustAnchors(f.store.keys))[0] as Uint8Array);
    const verified = verifyEnvelope(full.envelope, { keys: [anchor] });
    assert.equal(Number(verified.envelope.manifest.sequenceNumber), 7);
    const other = keyObjectToCoseKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    assert.throws(() => verifyEnvelope(full.envelope, { keys: [other] }), code('ERR_SUIT_AUTH_FAILED'));

    const device = createSimulatedDevice({
      components: [{ id: componentIdOf('firmware') }],
      payloads: { [uriOf(component.digest)]: bytes },
      lastSequenceNumber: 6,
    });
    const run = await processEnvelope(full.envelope, { keys: [anchor], device });
    assert.deepEqual(run.outcome.result, { ok: true }, JSON.stringify(run.steps));
    assert.deepEqual(device.contents(componentIdOf('firmware')), bytes);
    assert.equal(Number(device.lastSequenceNumber()), 7);
    // The same envelope again is refused by the device's own anti-rollback.
    const replay = await processEnvelope(full.envelope, { keys: [anchor], device });
    assert.equal(replay.error?.code, 'ERR_SUIT_ROLLBACK');
    // A device given other bytes under the URI refuses them by the image digest.
    const wrong = createSimulatedDevice({
      components: [{ id: componentIdOf('firmware') }],
      payloads: { [uriOf(component.digest)]: image(300_000) },
    });
    const bad = await processEnvelope(full.envelope, { keys: [anchor], device: wrong });
    assert.equal(bad.outcome.result.ok, false);
    assert.equal(bad.error?.code, 'ERR_SUIT_CONDITION_FAILED');
    const audit = await f.store.audit.list({ subject: made.id });
    assert.deepEqual(
      audit.items.map((a) => [a.action, a.actor]),
      [['release.created', ACTOR]],
    );
  } finally {
    await f.close();
  }
});

test('with a vendor domain the envelope checks vendor and class ids: a device of the model installs, another class refuses', async () => {
  const f = await releaseFixture();
  try {
    const { bytes, component } = await withPayload(f, 2000);
    const made = await createRelease(
      f.service.releases,
      { model: 'bulb-x1', version: '2.0.0', sequenceNumber: 1, components: [component], vendorDomain: 'vendor.example' },
      ACTOR,
    );
    assert.equal(made.vendorDomain, 'vendor.example');
    const { envelope } = await getRelease(f.store, made.id);
    const anchor = decodeCoseKey((await updateTrustAnchors(f.store.keys))[0] as Uint8Array);
    const vendorId = vendorIdOf('vendor.example');
    const install = (classId: Uint8Array) =>
      processEnvelope(envelope, {
        keys: [anchor],
        device: createSimulatedDevice({
          identity: { vendorId, classId },
          components: [{ id: componentIdOf('firmware') }],
          payloads: { [uriOf(component.digest)]: bytes },
        }),
      });
    assert.deepEqual((await install(classIdOf(vendorId, 'bulb-x1'))).outcome.result, { ok: true });
    const other = await install(classIdOf(vendorId, 'plug-x2'));
    assert.equal(other.error?.code, 'ERR_SUIT_CONDITION_FAILED');
    await assert.rejects(
      createRelease(
        f.service.releases,
        { model: 'bulb-x1', version: '2.0.1', sequenceNumber: 2, components: [component], vendorDomain: 'Not A Domain' },
        ACTOR,
      ),
      code('ERR_RELEASE_INPUT'),
    );
  } finally {
    await f.close();
  }
});

test('refused: unknown payload, wrong size, duplicate model + version, sequence number not above the latest (anti-rollback), bad input', async () => {
  const f = await releaseFixture();
  try {
    const { component } = await withPayload(f);
    const base = { model: 'plug', version: '1.0.0', sequenceNumber: 10, components: [component] };
    await assert.rejects(
      createRelease(f.service.releases, { ...base, components: [{ ...component, digest: 'ab'.repeat(32) }] }, ACTOR),
      code('ERR_RELEASE_PAYLOAD_UNKNOWN'),
    );
    await assert.rejects(
      createRelease(f.service.releases, { ...base, components: [{ ...component, size: component.size + 1 }] }, ACTOR),
      code('ERR_RELEASE_INPUT'),
    );
    await createRelease(f.service.releases, base, ACTOR);
    await assert.rejects(createRelease(f.service.releases, { ...base, sequenceNumber: 11 }, ACTOR), code('ERR_RELEASE_DUPLICATE'));
    await assert.rejects(createRelease(f.service.releases, { ...base, version: '1.0.1' }, ACTOR), code('ERR_RELEASE_ROLLBACK'));
    await assert.rejects(
      createRelease(f.service.releases, { ...base, version: '0.9.0', sequenceNumber: 9 }, ACTOR),
      code('ERR_RELEASE_ROLLBACK'),
    );
    // Another model has its own sequence.
    await createRelease(f.service.releases, { ...base, model: 'plug-2', sequenceNumber: 1 }, ACTOR);
    // A retired release still holds its sequence number.
    const r11 = await createRelease(f.service.releases, { ...base, version: '1.1.0', sequenceNumber: 11 }, ACTOR);
    await setReleaseState(f.store, r11.id, 'retired', ACTOR);
    await assert.rejects(
      createRelease(f.service.releases, { ...base, version: '1.1.1', sequenceNumber: 11 }, ACTOR),
      code('ERR_RELEASE_ROLLBACK'),
    );
    for (const wrong of [
      { ...base, model: '' },
      { ...base, version: 'a b' },
      { ...base, sequenceNumber: -1 },
      { ...base, sequenceNumber: 2 ** 53 },
      { ...base, components: [] },
      { ...base, components: [component, component] },
      { ...base, components: [{ ...component, id: '../x' }] },
      { ...base, sbomRef: 'not a uri' },
    ])
      await assert.rejects(
        createRelease(
          f.service.releases,
          {
            ...wrong,
            version: wrong.version === '1.0.0' ? '5.0.0' : wrong.version,
            sequenceNumber: wrong.sequenceNumber === 10 ? 50 : wrong.sequenceNumber,
          },
          ACTOR,
        ),
        code('ERR_RELEASE_INPUT'),
      );
    assert.equal((await f.store.releases.list()).items.length, 3);
  } finally {
    await f.close();
  }
});

test('states: a draft is published, a release retired, a retired release stays retired', async () => {
  const f = await releaseFixture();
  try {
    const { component } = await withPayload(f);
    const d = await createRelease(
      f.service.releases,
      { model: 'm', version: '1', sequenceNumber: 1, components: [component], state: 'draft' },
      ACTOR,
    );
    assert.equal(d.state, 'draft');
    assert.equal((await setReleaseState(f.store, d.id, 'published', ACTOR)).state, 'published');
    await assert.rejects(setReleaseState(f.store, d.id, 'draft', ACTOR), code('ERR_RELEASE_STATE'));
    assert.equal((await setReleaseState(f.store, d.id, 'retired', ACTOR)).state, 'retired');
    await assert.rejects(setReleaseState(f.store, d.id, 'published', ACTOR), code('ERR_RELEASE_STATE'));
    await assert.rejects(setReleaseState(f.store, 'nope', 'retired', ACTOR), code('ERR_RELEASE_NOT_FOUND'));
    await assert.rejects(getRelease(f.store, 'nope'), code('ERR_RELEASE_NOT_FOUND'));
  } finally {
    await f.close();
  }
});

test('an envelope uploaded signed: kept when it verifies with the update authority or an extra anchor, refused otherwise', async () => {
  const extraPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const f = await releaseFixture({ kind: 'database' }, [keyObjectToCoseKey(extraPair.publicKey)]);
  try {
    const { component } = await withPayload(f);
    const unsigned = (seq: number) =>
      buildEnvelope({
        manifestVersion: 1,
        sequenceNumber: seq,
        severable: false,
        components: [
          {
            installId: componentIdOf('firmware'),
            installOnDownload: true,
            installDigest: { algorithm: DigestAlgorithm.SHA256, bytes: new Uint8Array(Buffer.from(component.digest, 'hex')) },
            installSize: component.size,
            uri: uriOf(component.digest),
            bootable: false,
            loadable: false,
            text: new Map(),
          },
        ],
        text: new Map(),
      });
    const byExtra = signEnvelope(unsigned(3), { key: extraPair.privateKey });
    const imported = await importRelease(
      f.service.releases,
      { model: 'cam', version: '3.0', components: [component], envelope: byExtra },
      ACTOR,
    );
    assert.deepEqual([imported.origin, imported.sequenceNumber], ['imported', 3]);
    assert.deepEqual((await getRelease(f.store, imported.id)).envelope, byExtra);
    const byAuthority = signEnvelope(unsigned(4), { key: f.authority.privateKey as KeyObject });
    await assert.rejects(
      importRelease(
        f.service.releases,
        { model: 'cam', version: '4.0', components: [component], envelope: byAuthority, sequenceNumber: 5 },
        ACTOR,
      ),
      code('ERR_RELEASE_INPUT'),
    );
    assert.equal(
      (await importRelease(f.service.releases, { model: 'cam', version: '4.0', components: [component], envelope: byAuthority }, ACTOR))
        .sequenceNumber,
      4,
    );
    // Components must be payloads the manifest installs: a stored payload it does not name is refused.
    const { component: other } = await withPayload(f, 100);
    await assert.rejects(
      importRelease(
        f.service.releases,
        {
          model: 'cam',
          version: '4.1',
          components: [{ ...other, id: 'firmware' }],
          envelope: signEnvelope(unsigned(6), { key: extraPair.privateKey }),
        },
        ACTOR,
      ),
      code('ERR_RELEASE_INPUT'),
    );
    const stranger = signEnvelope(unsigned(5), { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    await assert.rejects(
      importRelease(f.service.releases, { model: 'cam', version: '5.0', components: [component], envelope: stranger }, ACTOR),
      code('ERR_RELEASE_SIGNATURE'),
    );
    await assert.rejects(
      importRelease(f.service.releases, { model: 'cam', version: '5.0', components: [component], envelope: unsigned(5) }, ACTOR),
      code('ERR_RELEASE_SIGNATURE'),
    );
    await assert.rejects(
      importRelease(f.service.releases, { model: 'cam', version: '5.0', components: [component], envelope: Uint8Array.of(1, 2, 3) }, ACTOR),
      code('ERR_RELEASE_ENVELOPE'),
    );
    const tampered = new Uint8Array(byExtra);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 1;
    await assert.rejects(
      importRelease(f.service.releases, { model: 'cam', version: '5.0', components: [component], envelope: tampered }, ACTOR),
      (e: unknown) => ['ERR_RELEASE_SIGNATURE', 'ERR_RELEASE_ENVELOPE'].includes((e as { code: string }).code),
    );
    // Truncated and bit-flipped envelopes are refused with a release code, never another failure.
    for (let cut = 1; cut < byExtra.length; cut += 7) {
      const bad = (n: number) =>
        importRelease(
          f.service.releases,
          { model: 'cam', version: `x${n}`, components: [component], envelope: byExtra.subarray(0, n) },
          ACTOR,
        );
      await assert.rejects(bad(cut), (e: unknown) =>
        ['ERR_RELEASE_SIGNATURE', 'ERR_RELEASE_ENVELOPE'].includes((e as { code: string }).code),
      );
    }
    for (let at = 0; at < byExtra.length; at += 5) {
      const flipped = new Uint8Array(byExtra);
      flipped[at] = (flipped[at] ?? 0) ^ 0x40;
      await assert.rejects(
        importRelease(f.service.releases, { model: 'cam', version: `f${at}`, components: [component], envelope: flipped }, ACTOR),
        (e: unknown) => ['ERR_RELEASE_SIGNATURE', 'ERR_RELEASE_ENVELOPE', 'ERR_RELEASE_INPUT'].includes((e as { code: string }).code),
      );
    }
    const older = signEnvelope(unsigned(2), { key: extraPair.privateKey });
    await assert.rejects(
      importRelease(f.service.releases, { model: 'cam', version: '2.0', components: [component], envelope: older }, ACTOR),
      code('ERR_RELEASE_ROLLBACK'),
    );
  } finally {
    await f.close();
  }
});
