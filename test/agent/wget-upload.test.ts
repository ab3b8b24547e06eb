/**
 * The device agent's fdo.wget and fdo.upload, over HTTPS on loopback: `iotopia up --tls` as owner
 * with ServiceInfo plans set through the owner API, `iotopia device init|onboard --tls-ca` as the
 * device, and a plain HTTP server as the place the owner sends the device to fetch from (fdo.wget
 * fetches with the system's roots, so a private CA's https server is not a wget target here). The local ports are
 * also checked on their own (scheme, directory escapes).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { directorySource, httpFetch } from '../../src/agent/local-ports.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';

const FIRMWARE = randomBytes(5000);
const DEVICE_LOG = Buffer.from('first boot: ok\n'.repeat(200));
const sha384 = (b: Uint8Array) => createHash('sha384').update(b).digest('hex');

describe('iotopia device onboard: fdo.wget and fdo.upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-wget-upload-'));
  const dataDir = join(dir, 'server');
  let platform: Platform;
  /** The platform TLS CA the device trusts (--tls-ca). */
  let ca: string;
  let files: Server;
  let filesUrl: string;
  let env: NodeJS.ProcessEnv;
  const requests: string[] = [];
  const stalled: { destroy(): void }[] = [];
  before(async () => {
    platform = await startPlatform(testConfig({ dataDir, tls: true }));
    ca = platform.tls?.caFile ?? assert.fail('the platform wrote no TLS CA');
    assert.match(platform.url, /^https:\/\//);
    env = { ...process.env };
    delete env.IOTOPIA_SERVER;
    delete env.IOTOPIA_TOKEN;
    files = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/fw/fw-1.2.bin') response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(FIRMWARE);
      else if (request.url === '/stalls') {
        // Headers and a first piece, then silence: the device must give up rather than wait forever.
        response.writeHead(200, { 'content-length': '1000' }).write(Buffer.alloc(10));
        stalled.push(response);
      } else response.writeHead(404).end();
    });
    await new Promise<void>((ok) => files.listen(0, '127.0.0.1', ok));
    const address = files.address();
    assert.ok(address !== null && typeof address === 'object');
    filesUrl = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    for (const r of stalled) r.destroy();
    await platform?.close();
    await new Promise((ok) => files?.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  const ownerApi = (method: 'PUT', url: string, payload: object) =>
    platform.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${platform.firstAdminToken}` }, payload });

  /** A device made by DI, with its ServiceInfo plans set; its own directory for credential, downloads and files. */
  async function device(name: string, plans: object[]): Promise<{ home: string; guid: string }> {
    const home = join(dir, name);
    mkdirSync(home);
    const init = await runCli(['device', 'init', '--manufacturer', platform.url, '--tls-ca', ca, '--json'], home, env);
    assert.equal(init.code, 0, init.err);
    const guid = (JSON.parse(init.out) as { guid: string }).guid.replace(/-/g, '');
    const set = await ownerApi('PUT', `/owner/devices/${guid}/serviceinfo`, { plans });
    assert.equal(set.statusCode, 200, set.body);
    return { home, guid };
  }
  // Without --json: the agent reports what it fetched, sent and refused on standard error.
  const onboard = (home: string, ...flags: string[]) => runCli(['device', 'onboard', '--tls-ca', ca, ...flags], home, env);
  const uploaded = (guid: string, name: string) => join(dataDir, 'uploads', guid, name);

  test('wget fetches the URL the owner names (SHA-384 and length checked) into the download directory; upload sends a file from the allowed directory', async () => {
    const d = await device('allowed', [
      { module: 'fdo.wget', url: `${filesUrl}/fw/fw-1.2.bin`, sha384: sha384(FIRMWARE), length: FIRMWARE.length },
      { module: 'fdo.wget', url: `${filesUrl}/fw/fw-1.2.bin`, name: 'renamed.bin' },
      { module: 'fdo.upload', name: 'logs/first-boot.log' },
    ]);
    const share = join(d.home, 'share');
    mkdirSync(join(share, 'logs'), { recursive: true });
    writeFileSync(join(share, 'logs', 'first-boot.log'), DEVICE_LOG);
    const r = await onboard(d.home, '--download-dir', join(d.home, 'dl'), '--allow-upload', share);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^onboarded to https:\/\/127\.0\.0\.1:/);
    assert.deepEqual(readFileSync(join(d.home, 'dl', 'fw-1.2.bin')), FIRMWARE, 'named after the URL path');
    assert.deepEqual(readFileSync(join(d.home, 'dl', 'renamed.bin')), FIRMWARE);
    assert.deepEqual(readFileSync(uploaded(d.guid, 'first-boot.log')), DEVICE_LOG);
    assert.match(r.err, /fetching http:\/\/127\.0\.0\.1:\d+\/fw\/fw-1\.2\.bin/);
  });

  test('without --allow-upload the device refuses with the module error, so a required upload fails onboarding', async () => {
    const optional = await device('refused-optional', [{ module: 'fdo.upload', name: '/etc/hostname', required: false }]);
    const ok = await onboard(optional.home);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.err, /refused upload of \/etc\/hostname/);
    assert.equal(existsSync(uploaded(optional.guid, 'hostname')), false);

    const required = await device('refused-required', [{ module: 'fdo.upload', name: '/etc/hostname' }]);
    const failed = await onboard(required.home);
    assert.equal(failed.code, 1, failed.out);
    assert.match(failed.err, /onboarding failed/);
    assert.equal(existsSync(uploaded(required.guid, 'hostname')), false);
  });

  test('a file outside the allowed directory is refused; a wget whose SHA-384 does not match leaves no file', async () => {
    const outside = await device('outside', [{ module: 'fdo.upload', name: '../secret.txt' }]);
    writeFileSync(join(outside.home, 'secret.txt'), 'not for the owner');
    mkdirSync(join(outside.home, 'share'));
    const r = await onboard(outside.home, '--allow-upload', join(outside.home, 'share'));
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /refused upload of \.\.\/secret\.txt: outside/);
    assert.equal(existsSync(uploaded(outside.guid, 'secret.txt')), false);

    const bad = await device('bad-hash', [{ module: 'fdo.wget', url: `${filesUrl}/fw/fw-1.2.bin`, sha384: sha384(Buffer.from('other')) }]);
    const w = await onboard(bad.home);
    assert.equal(w.code, 1, w.out);
    assert.equal(existsSync(join(bad.home, 'downloads', 'fw-1.2.bin')), false);

    const off = await device('no-wget', [{ module: 'fdo.wget', url: `${filesUrl}/fw/fw-1.2.bin` }]);
    const before = requests.length;
    const n = await onboard(off.home, '--no-wget');
    assert.equal(n.code, 1, n.out);
    assert.match(n.err, /refused fetching/);
    assert.equal(requests.length, before, 'nothing was fetched');
  });

  test('the local ports: only http(s) is fetched; links out of the upload directory are refused; no directory, no upload', async () => {
    const log: string[] = [];
    const push = (l: string) => log.push(l);
    await assert.rejects(httpFetch(push).get('file:///etc/passwd'), /scheme file:/);
    const got = await httpFetch(push).get(`${filesUrl}/fw/fw-1.2.bin`);
    const pieces: Uint8Array[] = [];
    for await (const p of got.body) pieces.push(p);
    assert.deepEqual([got.status, Buffer.concat(pieces).equals(FIRMWARE)], [200, true]);
    assert.equal((await httpFetch(push).get(`${filesUrl}/missing`)).status, 404);
    const slow = await httpFetch(push, 300).get(`${filesUrl}/stalls`);
    await assert.rejects(
      (async () => {
        for await (const _ of slow.body);
      })(),
      /silent for 300 ms/,
    );

    const share = join(dir, 'ports-share');
    mkdirSync(share);
    writeFileSync(join(share, 'in.txt'), 'inside');
    writeFileSync(join(dir, 'out.txt'), 'outside');
    symlinkSync(join(dir, 'out.txt'), join(share, 'link.txt'));
    const source = directorySource(share, push);
    assert.equal(await source.size('in.txt'), 6);
    assert.equal(await source.size(join(share, 'in.txt')), 6, 'an absolute name inside the directory');
    assert.deepEqual(Buffer.from(await source.read('in.txt', 2, 3)).toString(), 'sid');
    await assert.rejects(source.size('link.txt'), /outside the upload directory/);
    await assert.rejects(source.size(join(dir, 'out.txt')), /outside the upload directory/);
    await assert.rejects(source.size('.'), /outside the upload directory/);
    await assert.rejects(source.size('missing.txt'), /no such file/);
    await assert.rejects(directorySource(undefined, push).size('in.txt'), /not allowed/);
  });
});
