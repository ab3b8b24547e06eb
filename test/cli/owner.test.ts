import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

describe('iotopia owner to2-address and serviceinfo against iotopia up', () => {
  let platform: Platform;
  let env: Record<string, string>;
  let guid: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-owner-cli-'));
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('IOTOPIA_')) delete clean[k];
  const run = (args: string[]) => runCli(args, dir, { ...clean, ...env });

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    env = { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken ?? assert.fail('no admin token') };
    const credential = await runDi(platform.url, {
      random: (n) => new Uint8Array(randomBytes(n)),
      deviceKey: (await generateKeyPair('secp256r1')).privateKey,
      serialNumber: 'SN-owner-cli',
      model: 'owner cli test',
    });
    guid = guidToHex(credential.guid);
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('to2-address set, show and reset', async () => {
    const set = await run([
      'owner',
      'to2-address',
      'set',
      '--address',
      'https://owner.example.com:8443',
      '--address',
      'http://[2001:db8::1]',
      '--json',
    ]);
    assert.equal(set.code, 0, set.err);
    assert.deepEqual(JSON.parse(set.out), {
      source: 'setting',
      addresses: [
        { dns: 'owner.example.com', port: 8443, protocol: 'https' },
        { ip: '2001:db8::1', port: 80, protocol: 'http' },
      ],
    });
    const show = await run(['owner', 'to2-address', 'show']);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /set by the owner[\s\S]*https:\/\/owner\.example\.com:8443[\s\S]*http:\/\/\[2001:db8::1\]:80/);
    const reset = await run(['owner', 'to2-address', 'reset', '--json']);
    assert.equal(JSON.parse(reset.out).source, 'default');
  });

  test('to2-address usage errors exit 2; a refused value exits 1 naming the code', async () => {
    assert.equal((await run(['owner', 'to2-address', 'set', '--address', 'ftp://x.example'])).code, 2);
    assert.equal((await run(['owner', 'to2-address', 'set'])).code, 2);
    // A URL host, but not a DNS name (RFC 1123 has no underscores): the server refuses it.
    const refused = await run(['owner', 'to2-address', 'set', '--address', 'https://bad_host.example:1']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /addresses\[0\]\.dns.*ERR_API_VALIDATION/);
  });

  test('serviceinfo set from a file for the default and a device, show, reset', async () => {
    writeFileSync(
      join(dir, 'default.json'),
      JSON.stringify([{ module: 'fdo.download', name: 'hello.txt', data: Buffer.from('hi\n').toString('base64') }]),
    );
    const set = await run(['owner', 'serviceinfo', 'set', 'default.json']);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /ServiceInfo \(default\):\n {2}1\. fdo\.download {2}name=hello\.txt {2}data=3 bytes/);
    writeFileSync(join(dir, 'device.json'), JSON.stringify({ plans: [{ module: 'fdo.command', command: 'true' }] }));
    const device = await run(['owner', 'serviceinfo', 'set', '--device', guid, 'device.json', '--json']);
    assert.equal(device.code, 0, device.err);
    assert.deepEqual(JSON.parse(device.out), { source: 'device', plans: [{ module: 'fdo.command', command: 'true' }] });
    const reset = await run(['owner', 'serviceinfo', 'reset', '--device', guid, '--json']);
    assert.equal(JSON.parse(reset.out).source, 'default');
    const bad = await run(['owner', 'serviceinfo', 'set', '--device', guid, 'default.json', '--server', platform.url, '--token', 'nope']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /ERR_API_TOKEN_UNKNOWN/);
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify([{ module: 'fdo.wget', url: 'ftp://x' }]));
    const invalid = await run(['owner', 'serviceinfo', 'set', 'invalid.json']);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /plans\[0\]\.url.*ERR_API_VALIDATION/);
  });
});
