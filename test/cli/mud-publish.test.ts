import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { MudBuilder } from '../../src/mud/author/builder.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { createApiToken } from '../../src/platform/tokens.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = createCertificate({
  subject: { commonName: 'mud.example.com', organization: 'Example' },
  publicKey: key.publicKey,
  signer: { privateKey: key.privateKey },
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
});

function mudFile(name: string, systeminfo = 'Example bulb'): Uint8Array {
  const b = new MudBuilder({
    mudUrl: `https://mud.example.com/${name}`,
    lastUpdate: '2026-12-01T00:00:00+00:00',
    cacheValidity: 12,
    mfgName: 'Example',
    modelName: 'Bulb',
    systeminfo,
    documentation: 'https://mud.example.com/bulb',
  });
  b.allow({ kind: 'domain', name: 'cloud.example.com' }, { protocol: 'tcp', port: 443 });
  return new TextEncoder().encode(JSON.stringify(b.build().json, null, 2));
}

describe('iotopia mud publish | unpublish against iotopia up', () => {
  let platform: Platform;
  let manufacturer: string;
  let owner: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-publish-'));
  /** No IOTOPIA_SERVER / IOTOPIA_TOKEN from the surroundings unless a test sets them. */
  const env = (extra: Record<string, string> = {}) => {
    const clean = { ...process.env };
    delete clean.IOTOPIA_SERVER;
    delete clean.IOTOPIA_TOKEN;
    return { ...clean, ...extra };
  };
  const run = (args: string[], extra?: Record<string, string>) => runCli(args, dir, env(extra));
  const served = (path: string) => platform.app.inject({ method: 'GET', url: path });

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    manufacturer = (await createApiToken(platform.store, { name: 'm', roles: ['manufacturer'] })).secret;
    owner = (await createApiToken(platform.store, { name: 'o', roles: ['owner'] })).secret;
    const content = mudFile('bulb.json');
    writeFileSync(join(dir, 'bulb.json'), content);
    writeFileSync(join(dir, 'bulb.p7s'), signMudFile(content, { privateKey: key.privateKey, certificate: signer }));
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('publish with --server, --token and --signature; the file is served as published (exit 0)', async () => {
    const r = await run([
      'mud',
      'publish',
      'bulb.json',
      '--signature',
      'bulb.p7s',
      '--server',
      platform.url,
      '--token',
      manufacturer,
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out) as { name: string; url: string; signer: string; cacheValidity: number; bytes: number };
    assert.equal(info.name, 'bulb.json');
    assert.equal(info.url, `${platform.url}/mud/bulb.json`);
    assert.equal(info.signer, 'O=Example, CN=mud.example.com');
    assert.equal(info.cacheValidity, 12);
    const file = await served('/mud/bulb.json');
    assert.equal(file.statusCode, 200);
    assert.ok(Buffer.from(file.rawPayload).equals(readFileSync(join(dir, 'bulb.json'))));
    assert.ok(Buffer.from((await served('/mud/bulb.p7s')).rawPayload).equals(readFileSync(join(dir, 'bulb.p7s'))));
  });

  test('server and token from the environment, signature beside the file, name from its mud-url', async () => {
    const content = mudFile('lamp-v2.json', 'Example lamp');
    writeFileSync(join(dir, 'lamp.json'), content);
    writeFileSync(join(dir, 'lamp-v2.p7s'), signMudFile(content, { privateKey: key.privateKey, certificate: signer }));
    const r = await run(['mud', 'publish', 'lamp.json'], { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: manufacturer });
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^published lamp-v2\.json \(\d+ bytes, signed by O=Example, CN=mud\.example\.com\): .*\/mud\/lamp-v2\.json, ETag ".+", max-age 43200 s\n$/,
    );
    assert.equal((await served('/mud/lamp-v2.json')).statusCode, 200);
  });

  test('a refused file, a wrong signature or a token without the manufacturer role fail the check (exit 1) with the code', async () => {
    const changed = mudFile('bulb.json', 'Changed bulb');
    writeFileSync(join(dir, 'changed.json'), changed);
    const wrong = await run([
      'mud',
      'publish',
      'changed.json',
      '--signature',
      'bulb.p7s',
      '--server',
      platform.url,
      '--token',
      manufacturer,
    ]);
    assert.equal(wrong.code, 1, wrong.err);
    assert.match(wrong.err, /ERR_MUD_PUBLISH_SIGNATURE/);
    const misnamed = await run([
      'mud',
      'publish',
      'bulb.json',
      '--signature',
      'bulb.p7s',
      '--name',
      'other.json',
      '--server',
      platform.url,
      '--token',
      manufacturer,
    ]);
    assert.equal(misnamed.code, 1);
    assert.match(misnamed.err, /ERR_MUD_PUBLISH_NAME/);
    writeFileSync(join(dir, 'junk.json'), '{"ietf-mud:mud": {"mud-url": "https://mud.example.com/junk.json"}}');
    const invalid = await run([
      'mud',
      'publish',
      'junk.json',
      '--signature',
      'bulb.p7s',
      '--server',
      platform.url,
      '--token',
      manufacturer,
    ]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /ERR_MUD_PUBLISH_INVALID/);
    const forbidden = await run(['mud', 'publish', 'bulb.json', '--signature', 'bulb.p7s', '--server', platform.url, '--token', owner]);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.err, /403/);
    // The published file is still the first one.
    assert.ok(Buffer.from((await served('/mud/bulb.json')).rawPayload).equals(readFileSync(join(dir, 'bulb.json'))));
  });

  test('usage errors exit 2: no server, no token, a bad name, a missing signature file', async () => {
    const noServer = await run(['mud', 'publish', 'bulb.json', '--token', manufacturer]);
    assert.equal(noServer.code, 2);
    assert.match(noServer.err, /--server/);
    const noToken = await run(['mud', 'unpublish', 'bulb.json', '--server', platform.url]);
    assert.equal(noToken.code, 2);
    assert.match(noToken.err, /--token/);
    const badName = await run(['mud', 'publish', 'bulb.json', '--name', '../x', '--server', platform.url, '--token', manufacturer]);
    assert.equal(badName.code, 2);
    assert.match(badName.err, /--name/);
    assert.equal((await run(['mud', 'unpublish', 'x.p7s', '--server', platform.url, '--token', manufacturer])).code, 2);
    const noSig = await run([
      'mud',
      'publish',
      'bulb.json',
      '--signature',
      'missing.p7s',
      '--server',
      platform.url,
      '--token',
      manufacturer,
    ]);
    assert.equal(noSig.code, 2);
    assert.match(noSig.err, /missing\.p7s/);
  });

  test('unpublish stops serving the file and its signature; unpublishing again fails the check', async () => {
    const r = await run(['mud', 'unpublish', 'bulb.json', '--server', platform.url, '--token', manufacturer, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { name: 'bulb.json', unpublished: true });
    assert.equal((await served('/mud/bulb.json')).statusCode, 404);
    assert.equal((await served('/mud/bulb.p7s')).statusCode, 404);
    assert.equal((await served('/mud/lamp-v2.json')).statusCode, 200);
    const again = await run(['mud', 'unpublish', 'bulb.json', '--server', platform.url, '--token', manufacturer]);
    assert.equal(again.code, 1);
    assert.match(again.err, /404.*ERR_API_NOT_FOUND/);
  });
});
