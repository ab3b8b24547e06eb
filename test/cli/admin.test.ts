import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

/** No IOTOPIA_SERVER / IOTOPIA_TOKEN from the surroundings unless a test sets them. */
function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean.IOTOPIA_SERVER;
  delete clean.IOTOPIA_TOKEN;
  return runCli(args, cwd, { ...clean, ...env });
}

describe('iotopia token | voucher list|export|import | device list against iotopia up', () => {
  let platform: Platform;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-admin-cli-'));
  const dataDir = join(dir, 'server');
  let guid: string;
  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]));
    admin = platform.firstAdminToken ?? assert.fail('no first admin token');
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--json'], dir);
    assert.equal(init.code, 0, init.err);
    guid = (JSON.parse(init.out) as { guid: string }).guid.replace(/-/g, '');
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('token create prints a working secret once; bad roles are usage errors', async () => {
    const made = await run(
      ['token', 'create', '--role', 'manufacturer', '--role', 'owner', '--name', 'ops', '--data-dir', dataDir, '--json'],
      dir,
    );
    assert.equal(made.code, 0, made.err);
    const t = JSON.parse(made.out) as { id: string; secret: string; roles: string[] };
    assert.deepEqual(t.roles, ['manufacturer', 'owner']);
    const list = await run(['voucher', 'list', '--server', platform.url, '--token', t.secret, '--json'], dir);
    assert.equal(list.code, 0, list.err);
    const bad = await run(['token', 'create', '--role', 'root', '--data-dir', dataDir], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--role/);
    const nowhere = await run(['token', 'create', '--role', 'owner', '--data-dir', join(dir, 'empty')], dir);
    assert.equal(nowhere.code, 2);
  });

  test('voucher list and device list, from flags or the environment', async () => {
    const env = { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: admin };
    const mfg = await run(['voucher', 'list', '--json'], dir, env);
    assert.equal(mfg.code, 0, mfg.err);
    assert.deepEqual(
      (JSON.parse(mfg.out) as { guid: string }[]).map((v) => v.guid),
      [guid],
    );
    const owned = await run(['voucher', 'list', '--side', 'owner', '--json'], dir, env);
    assert.equal(owned.code, 0, owned.err);
    assert.equal((JSON.parse(owned.out) as { state: string }[])[0]?.state, 'registered');
    const devices = await run(['device', 'list', '--json'], dir, env);
    assert.equal(devices.code, 0, devices.err);
    assert.deepEqual(
      (JSON.parse(devices.out) as { guid: string; state: string }[]).map((d) => [d.guid, d.state]),
      [[guid, 'registered']],
    );
    const text = await run(['device', 'list'], dir, env);
    assert.match(text.out, new RegExp(guid));
  });

  test('voucher export writes the PEM; a voucher not extended to this owner is refused on import (exit 1)', async () => {
    const file = join(dir, 'v.pem');
    const exported = await run(['voucher', 'export', guid, '-o', file, '--server', platform.url, '--token', admin], dir);
    assert.equal(exported.code, 0, exported.err);
    assert.equal(Buffer.from(parseVoucher(readFileSync(file, 'utf8')).header.guid).toString('hex'), guid);
    const refused = await run(['voucher', 'import', file, '--server', platform.url, '--token', admin], dir);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /ERR_API_VOUCHER_NOT_OURS/);
  });

  test('voucher import of a voucher extended to this owner succeeds; register runs TO0', async () => {
    const ownerKey = platform.keys.owner[0]?.privateKey ?? assert.fail('no owner key');
    const r = await fetch(`${platform.url}/api/v1/manufacturer/vouchers/${guid}/extend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ownerKey: publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }) }),
    });
    assert.equal(r.status, 200);
    const file = join(dir, 'extended.pem');
    writeFileSync(file, ((await r.json()) as { pem: string }).pem);
    const imported = await run(['voucher', 'import', file, '--server', platform.url, '--token', admin, '--json'], dir);
    assert.equal(imported.code, 0, imported.err);
    assert.equal((JSON.parse(imported.out) as { guid: string }).guid, guid);
    const registered = await run(['voucher', 'register', guid, '--server', platform.url, '--token', admin, '--json'], dir);
    assert.equal(registered.code, 0, registered.err);
    assert.equal((JSON.parse(registered.out) as { state: string }).state, 'registered');
    const bad = await run(['voucher', 'register', 'zz', '--server', platform.url, '--token', admin], dir);
    assert.equal(bad.code, 2);
  });

  test('no server or token is a usage error; a wrong or revoked token a failed check naming the code', async () => {
    assert.equal((await run(['device', 'list'], dir)).code, 2);
    assert.equal((await run(['device', 'list', '--server', platform.url], dir)).code, 2);
    const wrong = await run(['device', 'list', '--server', platform.url, '--token', 'iotopia_wrong'], dir);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /ERR_API_TOKEN_UNKNOWN/);
    const made = JSON.parse((await run(['token', 'create', '--role', 'owner', '--data-dir', dataDir, '--json'], dir)).out) as {
      id: string;
      secret: string;
    };
    const revoke = await run(['token', 'revoke', made.id, '--data-dir', dataDir], dir);
    assert.equal(revoke.code, 0, revoke.err);
    const revoked = await run(['device', 'list', '--server', platform.url, '--token', made.secret], dir);
    assert.equal(revoked.code, 1);
    assert.match(revoked.err, /ERR_API_TOKEN_REVOKED/);
    assert.equal((await run(['token', 'revoke', '00000000deadbeef', '--data-dir', dataDir], dir)).code, 1);
    assert.equal((await run(['token', 'revoke', 'nope', '--data-dir', dataDir], dir)).code, 2, 'not a token id at all: usage');
    const unreachable = await run(['device', 'list', '--server', 'http://127.0.0.1:9', '--token', admin], dir);
    assert.equal(unreachable.code, 1);
  });
});
