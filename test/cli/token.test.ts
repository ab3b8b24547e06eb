import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

interface TokenItem {
  id: string;
  name: string;
  roles: string[];
  revokedAt?: string;
  secret?: string;
}

describe('iotopia token create|list|revoke through the management API and in the store', () => {
  let platform: Platform;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-token-cli-'));
  const dataDir = join(dir, 'server');
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('IOTOPIA_')) delete clean[k];
  const run = (args: string[], env: Record<string, string> = {}) => runCli(args, dir, { ...clean, ...env });
  const api = () => ['--server', platform.url, '--token', admin];
  /** A request with `secret` that any valid token may make: its status says whether the token works. */
  const statusWith = async (secret: string) =>
    (await platform.app.inject({ method: 'GET', url: '/api/v1/owner/vouchers', headers: { authorization: `Bearer ${secret}` } }))
      .statusCode;

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]));
    admin = platform.firstAdminToken ?? assert.fail('no first admin token');
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('create, list and revoke over the API with --server/--token', async () => {
    const made = await run(['token', 'create', ...api(), '--role', 'owner', '--role', 'owner', '--name', 'ops', '--json']);
    assert.equal(made.code, 0, made.err);
    const t = JSON.parse(made.out) as TokenItem;
    assert.deepEqual(t.roles, ['owner']);
    assert.equal(await statusWith(t.secret ?? ''), 200);

    const listed = await run(['token', 'list', ...api(), '--json']);
    assert.equal(listed.code, 0, listed.err);
    const items = JSON.parse(listed.out) as TokenItem[];
    assert.deepEqual(items.find((i) => i.id === t.id)?.name, 'ops');
    assert.ok(!listed.out.includes('iotopia_'), 'no secret in the list');

    const revoked = await run(['token', 'revoke', t.id, ...api()]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, new RegExp(`token ${t.id} revoked`));
    assert.equal(await statusWith(t.secret ?? ''), 401);
    const audit = await platform.store.audit.list({ subject: `token:${t.id}` });
    assert.deepEqual(
      audit.items.map((a) => a.action),
      ['token.created', 'token.revoked'],
    );
    assert.ok(
      audit.items.every((a) => a.actor.startsWith('token:') && a.actor !== `token:${t.id}`),
      'the admin token is the actor',
    );
  });

  test('IOTOPIA_SERVER and IOTOPIA_TOKEN pick the API without flags; the human list shows revocation', async () => {
    const env = { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: admin };
    const made = JSON.parse((await run(['token', 'create', '--role', 'auditor', '--name', 'env-made', '--json'], env)).out) as TokenItem;
    assert.equal(await statusWith(made.secret ?? ''), 403, 'an auditor token works but may not list owner vouchers');
    assert.equal((await run(['token', 'revoke', made.id], env)).code, 0);
    const listed = await run(['token', 'list'], env);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`${made.id}\\s+env-made\\s+auditor\\s+revoked \\d{4}-`));
  });

  test('the store mode (--data-dir) sees the same tokens as the API', async () => {
    const viaApi = JSON.parse((await run(['token', 'list', ...api(), '--json'])).out) as TokenItem[];
    const viaStore = await run(['token', 'list', '--data-dir', dataDir, '--json']);
    assert.equal(viaStore.code, 0, viaStore.err);
    assert.deepEqual(JSON.parse(viaStore.out), viaApi);
    const made = await run(['token', 'create', '--role', 'rendezvous', '--data-dir', dataDir, '--json']);
    assert.equal(made.code, 0, made.err);
    const t = JSON.parse(made.out) as TokenItem;
    const revoked = await run(['token', 'revoke', t.id, '--data-dir', dataDir]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.ok((await platform.store.apiTokens.get(t.id))?.revokedAt);
  });

  test('refusals: a non-admin token, an unknown id, both modes at once, a secret given as id', async () => {
    const owner = JSON.parse((await run(['token', 'create', ...api(), '--role', 'owner', '--json'])).out) as TokenItem;
    const forbidden = await run(['token', 'list', '--server', platform.url, '--token', owner.secret ?? '']);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.err, /ERR_API_FORBIDDEN/);
    const unknown = await run(['token', 'revoke', '0123456789abcdef', ...api()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /ERR_API_NOT_FOUND/);
    const unknownStore = await run(['token', 'revoke', '0123456789abcdef', '--data-dir', dataDir]);
    assert.equal(unknownStore.code, 1);
    const both = await run(['token', 'list', '--data-dir', dataDir, '--server', platform.url]);
    assert.equal(both.code, 2);
    assert.match(both.err, /not both/);
    const secretAsId = await run(['token', 'revoke', owner.secret ?? '', ...api()]);
    assert.equal(secretAsId.code, 2);
    const noToken = await run(['token', 'list', '--server', platform.url]);
    assert.equal(noToken.code, 2);
    assert.match(noToken.err, /--token/);
  });

  test('help explains both ways', async () => {
    for (const args of [
      ['token', '--help'],
      ['token', 'create', '--help'],
    ]) {
      const h = await run(args);
      assert.equal(h.code, 0, h.err);
      assert.match(h.out, /--server URL --token ADMIN_TOKEN\s+through the management API/);
      assert.match(h.out, /--data-dir DIR \| --database URL\s+directly in the server's store/);
    }
  });
});
