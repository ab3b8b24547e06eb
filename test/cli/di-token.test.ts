/**
 * `iotopia manufacturer di-token` and the credential on the device side: against a server started
 * as if on a public address (it listens on 127.0.0.1), `device init` and `fleet simulate` are
 * refused without a DI token and work with one, from the flag or IOTOPIA_DI_TOKEN.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseExpiry } from '../../src/cli/commands/manufacturer-di-token.ts';
import { runCli as runInProcess } from '../../src/cli/run-cli.ts';
import { runCli } from '../helpers/cli.ts';
import { roleTokens, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

describe('DI tokens from the command line, against a server that is not loopback-only', () => {
  let t: TestPlatform;
  let env: Record<string, string>;
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('IOTOPIA_')) delete clean[k];
  const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, t.dir, { ...clean, ...env, ...extra });

  before(async () => {
    t = await startTestPlatform('iotopia-ditoken-cli-', { autoOwner: true }, { loopbackOnly: false });
    env = { IOTOPIA_SERVER: t.platform.url, IOTOPIA_TOKEN: (await roleTokens(t.platform)).manufacturer };
  });
  after(() => t.close());

  test('create with a device count and expiry; device init and fleet simulate need it and spend it; list and revoke', async () => {
    const created = await run(['manufacturer', 'di-token', 'create', '--name', 'line 1', '--devices', '3', '--expires', '8h', '--json']);
    assert.equal(created.code, 0, created.err);
    const token = JSON.parse(created.out) as { id: string; secret: string; maxDevices: number; expiresAt: string; status: string };
    assert.match(token.secret, /^iotopia_di_[A-Za-z0-9_-]{43}$/);
    assert.equal(token.maxDevices, 3);
    assert.equal(token.status, 'active');
    assert.ok(Date.parse(token.expiresAt) > Date.now() + 7 * 3_600_000);

    const anonymous = await run(['device', 'init', '--manufacturer', t.platform.url, '--credential', join(t.dir, 'anon.cbor')]);
    assert.notEqual(anonymous.code, 0, 'DI without a credential is refused');
    assert.match(anonymous.err, /DI failed: .*--di-token or IOTOPIA_DI_TOKEN/);

    const init = await run([
      'device',
      'init',
      '--manufacturer',
      t.platform.url,
      '--credential',
      join(t.dir, 'dev.cbor'),
      '--di-token',
      token.secret,
    ]);
    assert.equal(init.code, 0, init.err);

    const fleet = await run(['fleet', 'simulate', '--count', '2', '--manufacturer', t.platform.url, '--json'], {
      IOTOPIA_DI_TOKEN: token.secret,
    });
    assert.equal(fleet.code, 0, fleet.err);
    assert.equal((JSON.parse(fleet.out) as { succeeded: number }).succeeded, 2, 'made with the token and onboarded through auto-owner');

    const spent = await run(['fleet', 'simulate', '--count', '1', '--manufacturer', t.platform.url, '--json', '--retries', '0'], {
      IOTOPIA_DI_TOKEN: token.secret,
    });
    assert.equal(spent.code, 1, 'the fourth device is refused');

    const list = await run(['manufacturer', 'di-token', 'list', '--json']);
    assert.equal(list.code, 0, list.err);
    const listed = (JSON.parse(list.out) as { id: string; used: number; status: string }[]).find((x) => x.id === token.id);
    assert.deepEqual([listed?.used, listed?.status], [3, 'used-up']);
    assert.ok(!list.out.includes(token.secret), 'list never shows a secret');

    const revoked = await run(['manufacturer', 'di-token', 'revoke', token.id, '--json']);
    assert.equal(revoked.code, 0, revoked.err);
    assert.equal((JSON.parse(revoked.out) as { status: string }).status, 'revoked');
  });

  test('an owner API token may not make DI tokens', async () => {
    const owner = (await roleTokens(t.platform)).owner;
    const r = await run(['manufacturer', 'di-token', 'create', '--name', 'x'], { IOTOPIA_TOKEN: owner });
    assert.equal(r.code, 1);
    assert.match(r.err, /403/);
  });

  test('the POST answer that holds the secret is not to be cached', async () => {
    const r = await t.platform.app.inject({
      method: 'POST',
      url: '/api/v1/manufacturer/di-tokens',
      headers: { authorization: `Bearer ${env['IOTOPIA_TOKEN']}` },
      payload: { name: 'cache test', maxDevices: 1 },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.headers['cache-control'], 'no-store');
    const past = await t.platform.app.inject({
      method: 'POST',
      url: '/api/v1/manufacturer/di-tokens',
      headers: { authorization: `Bearer ${env['IOTOPIA_TOKEN']}` },
      payload: { name: 'past', expiresAt: '2001-01-01T00:00:00Z' },
    });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().field, 'expiresAt');
  });
});

test('--expires takes an ISO time or a duration from now, and refuses the past and nonsense', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  assert.equal(parseExpiry('8h', now).toISOString(), '2030-01-01T08:00:00.000Z');
  assert.equal(parseExpiry('30m', now).toISOString(), '2030-01-01T00:30:00.000Z');
  assert.equal(parseExpiry('7d', now).toISOString(), '2030-01-08T00:00:00.000Z');
  assert.equal(parseExpiry('2030-02-01T12:00:00Z', now).toISOString(), '2030-02-01T12:00:00.000Z');
  for (const bad of ['2029-12-31T00:00:00Z', 'tomorrow', '8 hours', '-1h', '12']) assert.throws(() => parseExpiry(bad, now), /--expires/);
});

/** Runs `iotopia up` with `flags` on loopback until it answers, stops it, and resolves with what it printed. */
async function upOutput(flags: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-up-ao-'));
  const port = await new Promise<number>((resolvePort) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
  const stop = new AbortController();
  const running = runInProcess(['up', '--listen', `127.0.0.1:${port}`, '--data-dir', 'data', '--log-level', 'silent', ...flags], {
    env: {},
    cwd: dir,
    signal: stop.signal,
  });
  try {
    let health: Response | undefined;
    for (let i = 0; i < 300 && health === undefined; i++) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(health?.status, 200);
  } finally {
    stop.abort();
  }
  const r = await running;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('iotopia up says how DI is authorised; auto-owner is on by default on loopback, and --no-auto-owner turns it off', async () => {
  assert.match(await upOutput([]), /DI: +open to local clients \(loopback only\); auto-owner on/);
  assert.match(await upOutput(['--no-auto-owner']), /DI: +open to local clients \(loopback only\); auto-owner off/);
});
