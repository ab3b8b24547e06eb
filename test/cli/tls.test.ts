/**
 * The CLI against an HTTPS server: a device is manufactured and onboarded over TLS when it trusts
 * the platform TLS CA (--tls-ca or IOTOPIA_TLS_CA), and fails, naming the certificate problem,
 * when it does not; the admin commands likewise. `iotopia up` refuses plain HTTP beyond loopback
 * before opening any socket.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli as runInProcess } from '../../src/cli/run-cli.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';
import { handshake } from '../server/http/tls-helpers.ts';

const clean = { ...process.env };
for (const k of ['IOTOPIA_SERVER', 'IOTOPIA_TOKEN', 'IOTOPIA_TLS_CA', 'IOTOPIA_TLS', 'IOTOPIA_INSECURE_HTTP', 'IOTOPIA_LISTEN'])
  delete clean[k];

describe('the CLI over HTTPS', () => {
  let platform: Platform;
  let ca: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-cli-tls-'));
  before(async () => {
    platform = await startPlatform(testConfig({ dataDir: join(dir, 'server'), tls: true }));
    ca = platform.tls?.caFile as string;
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('device init and onboard over HTTPS with --tls-ca (TO1 finds the rendezvous at its https address)', async () => {
    assert.match(platform.url, /^https:/);
    const init = await runCli(['device', 'init', '--manufacturer', platform.url, '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(init.code, 0, init.err);
    const onboard = await runCli(['device', 'onboard', '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(onboard.code, 0, onboard.err);
    const result = JSON.parse(onboard.out) as { onboarded: boolean; owner: string };
    assert.equal(result.onboarded, true);
    assert.equal(result.owner, platform.url);
  });

  test('fleet simulate manufactures and onboards over HTTPS with --tls-ca', async () => {
    const run = await runCli(['fleet', 'simulate', '--count', '2', '--manufacturer', platform.url, '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(run.code, 0, run.err);
    const summary = JSON.parse(run.out) as { succeeded: number; failed: number };
    assert.deepEqual([summary.succeeded, summary.failed], [2, 0]);
  });

  test('IOTOPIA_TLS_CA works as the option does', async () => {
    const init = await runCli(['device', 'init', '--manufacturer', platform.url, '--credential', 'env/c.cbor'], dir, {
      ...clean,
      IOTOPIA_TLS_CA: ca,
    });
    assert.equal(init.code, 0, init.err);
  });

  test('without the CA the server certificate is not trusted, and nothing skips verification', async () => {
    const init = await runCli(['device', 'init', '--manufacturer', platform.url, '--credential', 'untrusted/c.cbor'], dir, clean);
    assert.equal(init.code, 1);
    assert.match(init.err, /certificate/i);
    const bad = await runCli(['device', 'init', '--manufacturer', platform.url, '--tls-ca', join(dir, 'missing.pem')], dir, clean);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--tls-ca: .*missing\.pem is not a readable PEM certificate/);
  });

  test('the admin commands reach the API over HTTPS with --tls-ca, and name the fix without it', async () => {
    const token = platform.firstAdminToken as string;
    const list = await runCli(['voucher', 'list', '--server', platform.url, '--token', token, '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(list.code, 0, list.err);
    const refused = await runCli(['voucher', 'list', '--server', platform.url, '--token', token], dir, clean);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /give --tls-ca/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('iotopia up and plain HTTP', () => {
  test('up --tls prints the https URL, the certificate fingerprint and the CA file to trust, and the factory listener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-up-tls-'));
    const [port, factoryPort] = [await freePort(), await freePort()];
    const stop = new AbortController();
    const running = runInProcess(
      [
        'up',
        '--tls',
        '--listen',
        `127.0.0.1:${port}`,
        '--factory-listen',
        `127.0.0.1:${factoryPort}`,
        '--data-dir',
        'data',
        '--log-level',
        'warn',
      ],
      { env: {}, cwd: dir, signal: stop.signal },
    );
    try {
      const caFile = join(dir, 'data', 'tls', 'ca.pem');
      let seen: Awaited<ReturnType<typeof handshake>> | undefined;
      for (let i = 0; i < 300 && seen === undefined; i++) {
        seen = await (async () => handshake(port, { ca: readFileSync(caFile, 'utf8') }))().catch(() => undefined);
        if (seen === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      stop.abort();
      const r = await running;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`IoTopia is up at https://127\\.0\\.0\\.1:${port}`));
      assert.ok(seen, 'a TLS handshake with the CA file succeeded');
      assert.ok(r.stdout.includes(`TLS certificate SHA-256: ${seen.fingerprint}`), r.stdout);
      assert.ok(r.stdout.includes(`--tls-ca ${caFile}`), 'the quick start lines name the CA file');
      assert.match(r.stdout, new RegExp(`factory listener: https://127\\.0\\.0\\.1:${factoryPort} \\(FDO DI only\\)`));
    } finally {
      stop.abort();
      await running.catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses plain HTTP on a non-loopback address without --insecure-http, saying why and what to do (no socket opened)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-up-refuse-'));
    try {
      const run = await runCli(['up', '--listen', '192.0.2.1:8443', '--data-dir', 'data'], dir, { ...clean, IOTOPIA_TLS: 'false' });
      assert.equal(run.code, 2);
      assert.match(run.err, /plain HTTP on 192\.0\.2\.1, which is not a loopback address/);
      assert.match(run.err, /--insecure-http/);
      const both = await runCli(['up', '--listen', '192.0.2.1:8443', '--insecure-http', '--tls'], dir, clean);
      assert.equal(both.code, 2);
      assert.match(both.err, /insecure-http: cannot be combined/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
