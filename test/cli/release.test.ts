import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeCoseKey, encodeCoseKey, keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { componentIdOf } from '../../src/lifecycle/releases/envelope.ts';
import { updateTrustAnchors } from '../../src/lifecycle/releases/update-authority.ts';
import { signEnvelope, verifyEnvelope } from '../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../src/suit/constants.ts';
import { buildEnvelope } from '../../src/suit/create/build.ts';
import { processEnvelope } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice } from '../../src/suit/process/simulated-device.ts';
import { runCli } from '../helpers/cli.ts';
import { bearer, roleTokens, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { tempDir } from '../helpers/temp.ts';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean.IOTOPIA_SERVER;
  delete clean.IOTOPIA_TOKEN;
  return runCli(args, cwd, { ...clean, ...env });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('iotopia release … and /api/v1/releases, /api/v1/payloads against iotopia up (payloads in the database)', () => {
  let t: TestPlatform;
  let tokens: Awaited<ReturnType<typeof roleTokens>>;
  let env: Record<string, string>;
  const firmware = new Uint8Array(randomBytes(300_000));
  before(async () => {
    t = await startTestPlatform('iotopia-release-cli-', { maxPayloadBytes: '2000000' });
    tokens = await roleTokens(t.platform);
    env = { IOTOPIA_SERVER: t.url, IOTOPIA_TOKEN: tokens.owner };
    writeFileSync(join(t.dir, 'fw.bin'), firmware);
  });
  after(async () => {
    await t.close();
  });

  test('the first start made the update-authority key; the trust anchors name it', async () => {
    assert.ok(t.platform.keys.created.includes('update-authority'));
    assert.equal((await updateTrustAnchors(t.platform.store.keys)).length, 1);
  });

  test('release create uploads, the server signs; the envelope verifies with the anchor and installs on a simulated device', async () => {
    const made = await run(
      ['release', 'create', '--model', 'bulb', '--version', '1.0.0', '--seq', '3', '--component', 'fw=fw.bin', '--json'],
      t.dir,
      env,
    );
    assert.equal(made.code, 0, made.err);
    const r = JSON.parse(made.out) as {
      id: string;
      sequenceNumber: number;
      state: string;
      origin: string;
      components: { id: string; digest: string; size: number }[];
    };
    assert.deepEqual([r.sequenceNumber, r.state, r.origin], [3, 'published', 'signed']);
    assert.deepEqual(r.components, [{ id: 'fw', digest: sha(firmware), size: firmware.length }]);

    const list = await run(['release', 'list', '--model', 'bulb', '--json'], t.dir, env);
    assert.equal(list.code, 0, list.err);
    assert.deepEqual(
      (JSON.parse(list.out) as { id: string }[]).map((x) => x.id),
      [r.id],
    );
    const show = await run(['release', 'show', r.id], t.dir, env);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /sequenceNumber\s+3/);

    const out = join(t.dir, 'bulb.suit');
    const env2 = await run(['release', 'envelope', r.id, '-o', out], t.dir, env);
    assert.equal(env2.code, 0, env2.err);
    const envelope = new Uint8Array(readFileSync(out));
    const anchor = decodeCoseKey((await updateTrustAnchors(t.platform.store.keys))[0] as Uint8Array);
    assert.equal(Number(verifyEnvelope(envelope, { keys: [anchor] }).envelope.manifest.sequenceNumber), 3);
    const uri = `${t.url}/device/v1/artifacts/${sha(firmware)}`;
    const device = createSimulatedDevice({
      components: [{ id: componentIdOf('fw') }],
      payloads: { [uri]: firmware },
      lastSequenceNumber: 2,
    });
    const done = await processEnvelope(envelope, { keys: [anchor], device });
    assert.deepEqual(done.outcome.result, { ok: true }, JSON.stringify(done.steps));
    assert.deepEqual(device.contents(componentIdOf('fw')), firmware);

    // The same bytes over HTTP, with the media type asked for.
    const res = await fetch(`${t.url}/api/v1/releases/${r.id}/envelope`, {
      headers: { ...bearer(tokens.owner), accept: 'application/octet-stream' },
    });
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), envelope);
    const plain = await fetch(`${t.url}/api/v1/releases/${r.id}/envelope`, { headers: bearer(tokens.owner) });
    assert.equal(plain.headers.get('content-type'), 'application/suit-envelope+cose');
    assert.equal(plain.headers.get('etag'), `"${sha(envelope)}"`);
  });

  test('anti-rollback and duplicates are refused with their codes; retire works once', async () => {
    const first = await run(
      ['release', 'create', '--model', 'plug', '--version', '2.0', '--seq', '20', '--component', 'fw=fw.bin', '--json'],
      t.dir,
      env,
    );
    assert.equal(first.code, 0, first.err);
    const id = (JSON.parse(first.out) as { id: string }).id;
    const rollback = await run(
      ['release', 'create', '--model', 'plug', '--version', '2.1', '--seq', '20', '--component', 'fw=fw.bin'],
      t.dir,
      env,
    );
    assert.equal(rollback.code, 1);
    assert.match(rollback.err, /409 .*\[ERR_RELEASE_ROLLBACK\]/);
    const dup = await run(
      ['release', 'create', '--model', 'plug', '--version', '2.0', '--seq', '21', '--component', 'fw=fw.bin'],
      t.dir,
      env,
    );
    assert.match(dup.err, /\[ERR_RELEASE_DUPLICATE\]/);
    const usage = await run(['release', 'create', '--model', 'plug', '--version', '2.2', '--component', 'fw=fw.bin'], t.dir, env);
    assert.equal(usage.code, 2);
    const retired = await run(['release', 'retire', id, '--json'], t.dir, env);
    assert.equal(retired.code, 0, retired.err);
    assert.equal((JSON.parse(retired.out) as { state: string }).state, 'retired');
    const back = await fetch(`${t.url}/api/v1/releases/${id}/state`, {
      method: 'POST',
      headers: { ...bearer(tokens.owner), 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'published' }),
    });
    assert.equal(back.status, 409);
    assert.equal(((await back.json()) as { code: string }).code, 'ERR_RELEASE_STATE');
  });

  test('payload uploads: deduplicated, digest checked, size limited, owner role only', async () => {
    const small = new Uint8Array(randomBytes(1000));
    const up = (body: Uint8Array, query = '', token = tokens.owner) =>
      fetch(`${t.url}/api/v1/payloads${query}`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
        body,
      });
    const a = await up(small, `?sha256=${sha(small)}&mediaType=application/x-firmware`);
    assert.equal(a.status, 201);
    assert.deepEqual(await a.json(), {
      digest: sha(small),
      size: 1000,
      mediaType: 'application/x-firmware',
      location: 'database',
      createdAt: (await t.platform.store.payloads.get(sha(small)))?.createdAt.toISOString(),
    });
    assert.equal((await up(small)).status, 200);
    const audit = await t.platform.store.audit.list({ subject: sha(small) });
    assert.deepEqual(
      audit.items.map((a) => [a.action, a.details]),
      [['payload.uploaded', { size: 1000 }]],
      'one record: the second upload stored nothing',
    );
    const wrong = await up(small, `?sha256=${sha(firmware)}`);
    assert.equal(wrong.status, 422);
    assert.equal(((await wrong.json()) as { code: string }).code, 'ERR_PAYLOAD_DIGEST');
    // Streamed past the API's 1 MiB body limit, up to the payload limit; beyond it refused, announced or not.
    const large = new Uint8Array(randomBytes(1_500_000));
    const stored = await up(large);
    assert.equal(stored.status, 201);
    assert.equal(((await stored.json()) as { digest: string }).digest, sha(large));
    const big = await up(new Uint8Array(2_000_001));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'ERR_PAYLOAD_TOO_LARGE');
    const unannounced = await fetch(`${t.url}/api/v1/payloads`, {
      method: 'POST',
      headers: { ...bearer(tokens.owner), 'content-type': 'application/octet-stream' },
      body: new Blob([new Uint8Array(1_000_000), new Uint8Array(1_000_001)]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(unannounced.status, 413);
    assert.equal(await t.platform.store.payloads.get(sha(new Uint8Array(2_000_001))), undefined);
    assert.equal((await up(small, '', tokens.auditor)).status, 403);
    assert.equal((await up(small, '', tokens.manufacturer)).status, 403);
    assert.equal((await fetch(`${t.url}/api/v1/payloads`, { method: 'POST', body: small })).status, 401);
    const got = await fetch(`${t.url}/api/v1/payloads/${sha(small)}`, { headers: bearer(tokens.owner) });
    assert.equal(((await got.json()) as { size: number }).size, 1000);
    assert.equal((await fetch(`${t.url}/api/v1/payloads/${'0'.repeat(64)}`, { headers: bearer(tokens.owner) })).status, 404);
    const unknown = await fetch(`${t.url}/api/v1/releases`, {
      method: 'POST',
      headers: { ...bearer(tokens.owner), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cam', version: '1', sequenceNumber: 1, components: [{ id: 'fw', digest: '0'.repeat(64), size: 5 }] }),
    });
    assert.equal(unknown.status, 422);
    assert.equal(((await unknown.json()) as { code: string }).code, 'ERR_RELEASE_PAYLOAD_UNKNOWN');
  });

  test('release delete-payload: a payload a release names is refused (409); an unnamed one is deleted, audited; owner role only', async () => {
    const spare = new Uint8Array(randomBytes(2000));
    writeFileSync(join(t.dir, 'spare.bin'), spare);
    assert.equal((await run(['release', 'upload-payload', 'spare.bin'], t.dir, env)).code, 0);
    const del = (digest: string, token = tokens.owner) =>
      fetch(`${t.url}/api/v1/payloads/${digest}`, { method: 'DELETE', headers: bearer(token) });
    assert.equal((await del(sha(spare), tokens.auditor)).status, 403);
    // fw.bin is named by the release the create test made.
    const inUse = await run(['release', 'delete-payload', sha(firmware)], t.dir, env);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.err, /ERR_PAYLOAD_IN_USE/);
    const refused = await del(sha(firmware));
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { code: string }).code, 'ERR_PAYLOAD_IN_USE');
    assert.ok(await t.platform.store.payloads.get(sha(firmware)));

    const usage = await run(['release', 'delete-payload', 'xyz'], t.dir, env);
    assert.equal(usage.code, 2, usage.err);
    const ok = await run(['release', 'delete-payload', sha(spare).toUpperCase(), '--json'], t.dir, env);
    assert.equal(ok.code, 0, ok.err);
    assert.equal((JSON.parse(ok.out) as { digest: string }).digest, sha(spare));
    assert.equal(await t.platform.store.payloads.get(sha(spare)), undefined);
    assert.deepEqual(
      (await t.platform.store.audit.list({ subject: sha(spare) })).items.map((a) => a.action),
      ['payload.uploaded', 'payload.deleted'],
    );
    const again = await del(sha(spare));
    assert.equal(again.status, 404);
    assert.equal(((await again.json()) as { code: string }).code, 'ERR_PAYLOAD_NOT_FOUND');
  });
});

test('payloads in a directory (payloadDir): an uploaded payload is one file there; old files no payload names are swept at start', async () => {
  const holder = await startTestPlatform('iotopia-release-dir-');
  await holder.platform.close();
  const dir = join(holder.dir, 'payloads');
  // Left by crashes: a file never recorded and a part file, hours old; a young one and a stranger's file stay.
  mkdirSync(dir, { recursive: true });
  const [oldFile, oldPart, young] = [randomUUID(), `${randomUUID()}.part`, randomUUID()];
  for (const name of [oldFile, oldPart, young, 'notes.txt']) writeFileSync(join(dir, name), 'x');
  const hoursAgo = new Date(Date.now() - 3 * 3600_000);
  for (const name of [oldFile, oldPart, 'notes.txt']) utimesSync(join(dir, name), hoursAgo, hoursAgo);
  const d = await startTestPlatform('iotopia-release-dir2-', { payloadDir: dir });
  try {
    for (let i = 0; i < 100 && readdirSync(dir).includes(oldFile); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(readdirSync(dir).sort(), [young, 'notes.txt'].sort());
    rmSync(join(dir, young));
    rmSync(join(dir, 'notes.txt'));
    const tokens = await roleTokens(d.platform);
    const bytes = new Uint8Array(randomBytes(5000));
    const res = await fetch(`${d.url}/api/v1/payloads`, {
      method: 'POST',
      headers: { ...bearer(tokens.owner), 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { location: string }).location, 'directory');
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, files[0] as string))), bytes);
  } finally {
    await d.close();
    rmSync(holder.dir, { recursive: true, force: true });
  }
});

test('an envelope signed by an extra anchor (updateAnchors) is imported with release create --envelope; a stranger signature is refused', async () => {
  const keys = tempDir('iotopia-release-anchor-');
  const extra = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(keys, 'anchor.cose'), encodeCoseKey(keyObjectToCoseKey(extra.publicKey)));
  const t = await startTestPlatform('iotopia-release-import-', { updateAnchors: join(keys, 'anchor.cose') });
  try {
    const tokens = await roleTokens(t.platform);
    const env = { IOTOPIA_SERVER: t.url, IOTOPIA_TOKEN: tokens.owner };
    const fw = new Uint8Array(randomBytes(2048));
    writeFileSync(join(t.dir, 'fw.bin'), fw);
    const unsigned = buildEnvelope({
      manifestVersion: 1,
      sequenceNumber: 9,
      severable: false,
      components: [
        {
          installId: componentIdOf('fw'),
          installOnDownload: true,
          installDigest: { algorithm: DigestAlgorithm.SHA256, bytes: new Uint8Array(createHash('sha256').update(fw).digest()) },
          installSize: fw.length,
          uri: `https://cdn.example/fw-${sha(fw)}`,
          bootable: false,
          loadable: false,
          text: new Map(),
        },
      ],
      text: new Map(),
    });
    writeFileSync(join(t.dir, 'signed.suit'), signEnvelope(unsigned, { key: extra.privateKey }));
    const args = [
      'release',
      'create',
      '--model',
      'cam',
      '--version',
      '9.0',
      '--component',
      'fw=fw.bin',
      '--envelope',
      'signed.suit',
      '--json',
    ];
    const made = await run(args, t.dir, env);
    assert.equal(made.code, 0, made.err);
    const r = JSON.parse(made.out) as { origin: string; sequenceNumber: number; envelopeDigest: string };
    assert.deepEqual([r.origin, r.sequenceNumber], ['imported', 9]);
    assert.equal(r.envelopeDigest, sha(new Uint8Array(readFileSync(join(t.dir, 'signed.suit')))));
    writeFileSync(
      join(t.dir, 'stranger.suit'),
      signEnvelope(unsigned, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
    );
    const refused = await run([...args.slice(0, 5), '9.1', '--component', 'fw=fw.bin', '--envelope', 'stranger.suit'], t.dir, env);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /422 .*\[ERR_RELEASE_SIGNATURE\]/);
  } finally {
    await t.close();
  }
});
