/** `iotopia token create --expires`: durations and RFC 3339 times, in the store and through the API; list shows the state. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, parseTokenExpiry, TokenExpiryError } from '../../src/platform/tokens.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

test('parseTokenExpiry: durations from now, RFC 3339 times with offset, nothing else, only the future within ten years', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  assert.equal(parseTokenExpiry('30d', now).toISOString(), '2030-01-31T00:00:00.000Z');
  assert.equal(parseTokenExpiry('8h', now).toISOString(), '2030-01-01T08:00:00.000Z');
  assert.equal(parseTokenExpiry('90m', now).toISOString(), '2030-01-01T01:30:00.000Z');
  assert.equal(parseTokenExpiry('2w', now).toISOString(), '2030-01-15T00:00:00.000Z');
  assert.equal(parseTokenExpiry('2030-06-01T12:00:00+02:00', now).toISOString(), '2030-06-01T10:00:00.000Z');
  for (const bad of ['0d', '-1d', '30', '30y', '1.5h', '2030-06-01', '2030-06-01T12:00:00', '2029-12-31T23:59:59Z', '4000w', '']) {
    assert.throws(() => parseTokenExpiry(bad, now), TokenExpiryError, bad);
  }
});

describe('iotopia token create --expires', () => {
  let tp: TestPlatform;
  let admin: string;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IOTOPIA_')));
  before(async () => {
    tp = await startTestPlatform('iotopia-token-expires-cli-');
    admin = tp.platform.firstAdminToken ?? assert.fail('no first admin token');
  });
  after(() => tp.close());
  const run = (args: string[]) => runCli(args, tp.dir, clean);

  test('in the store and through the API the expiry is kept; list shows active until, and expired', async () => {
    const before = Date.now();
    const inStore = await run(['token', 'create', '--data-dir', tp.dataDir, '--role', 'owner', '--expires', '8h', '--json']);
    assert.equal(inStore.code, 0, inStore.err);
    const t = JSON.parse(inStore.out) as { id: string; expiresAt: string };
    const ms = Date.parse(t.expiresAt) - before;
    assert.ok(ms >= 8 * 3600_000 && ms < 8 * 3600_000 + 60_000, t.expiresAt);
    assert.equal((await tp.platform.store.apiTokens.get(t.id))?.expiresAt?.toISOString(), t.expiresAt);

    const at = '2099-01-01T00:00:00Z';
    const viaApi = await run([
      'token',
      'create',
      '--server',
      tp.platform.url,
      '--token',
      admin,
      '--role',
      'auditor',
      '--expires',
      at,
      '--json',
    ]);
    assert.equal(viaApi.code, 2, 'more than ten years away is refused before it is sent');
    assert.match(viaApi.err, /--expires: .* is more than ten years away/);
    const ok = await run([
      'token',
      'create',
      '--server',
      tp.platform.url,
      '--token',
      admin,
      '--role',
      'auditor',
      '--expires',
      '30d',
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.err);
    assert.ok((JSON.parse(ok.out) as { expiresAt?: string }).expiresAt !== undefined);

    const gone = await createApiToken(tp.platform.store, { name: 'gone', roles: ['owner'], expiresAt: new Date(Date.now() - 1000) });
    const listed = await run(['token', 'list', '--server', tp.platform.url, '--token', admin]);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`${t.id}\\s+cli\\s+owner\\s+active until ${t.expiresAt}`));
    assert.match(listed.out, new RegExp(`${gone.id}\\s+gone\\s+owner\\s+expired \\d{4}-`));
  });

  test('a bad --expires is a usage error naming the option', async () => {
    const r = await run(['token', 'create', '--data-dir', tp.dataDir, '--role', 'owner', '--expires', 'tomorrow']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--expires: "tomorrow" is neither a duration/);
  });
});
