/**
 * SSRF through the management API: the owner rendezvous list and the manufacturer rendezvous info
 * refuse metadata, link-local, multicast and unspecified addresses (problem details naming the
 * field); loopback passes on a server that listens on loopback only; `allowInternalRendezvous`
 * lets an operator set any of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { roleTokens, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { bearer } from './world.ts';

const put = (tp: TestPlatform, token: string, url: string, payload: object) =>
  tp.platform.app.inject({ method: 'PUT', url: `/api/v1${url}`, headers: bearer(token), payload });

describe('rendezvous addresses set through the API', () => {
  let tp: TestPlatform;
  let tokens: Awaited<ReturnType<typeof roleTokens>>;
  before(async () => {
    tp = await startTestPlatform('iotopia-rv-addresses-', { autoOwner: 'false' });
    tokens = await roleTokens(tp.platform);
  });
  after(() => tp.close());

  test('the owner rendezvous list refuses SSRF targets with a problem naming the field', async () => {
    for (const [urls, field] of [
      [['http://169.254.169.254'], 'urls[0]'],
      [['https://rv.example', 'http://[::ffff:169.254.169.254]:8080'], 'urls[1]'],
      [['http://metadata.google.internal'], 'urls[0]'],
      [['http://[fe80::1]:8080'], 'urls[0]'],
      [['http://0.0.0.0:8080'], 'urls[0]'],
      [['http://224.0.0.1'], 'urls[0]'],
    ] as const) {
      const r = await put(tp, tokens.owner, '/owner/rendezvous', { urls });
      assert.equal(r.statusCode, 400, `${urls.join(' ')}: ${r.body}`);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      const problem = r.json() as { code: string; field: string; detail: string };
      assert.equal(problem.code, 'ERR_API_VALIDATION');
      assert.equal(problem.field, field);
      assert.match(problem.detail, /allowInternalRendezvous/);
    }
    const view = await tp.platform.app.inject({ method: 'GET', url: '/api/v1/owner/rendezvous', headers: bearer(tokens.owner) });
    assert.deepEqual(view.json(), { source: 'voucher' }, 'nothing was stored');
    const loopback = await put(tp, tokens.owner, '/owner/rendezvous', { urls: ['http://127.0.0.1:9', 'https://rv.example'] });
    assert.equal(loopback.statusCode, 200, 'this server listens on loopback only');
  });

  test('the manufacturer rendezvous info refuses them too', async () => {
    for (const [directive, field] of [
      [{ ipAddress: '169.254.169.254', devPort: 80 }, 'directives[0].ipAddress'],
      [{ ipAddress: '::ffff:a9fe:a9fe', devPort: 80 }, 'directives[0].ipAddress'],
      [{ dns: 'metadata', devPort: 80 }, 'directives[0].dns'],
      [{ ipAddress: 'ff02::1', devPort: 80 }, 'directives[0].ipAddress'],
    ] as const) {
      const r = await put(tp, tokens.manufacturer, '/manufacturer/rendezvous-info', { directives: [directive] });
      assert.equal(r.statusCode, 400, `${JSON.stringify(directive)}: ${r.body}`);
      assert.equal((r.json() as { field: string }).field, field);
    }
    const ok = await put(tp, tokens.manufacturer, '/manufacturer/rendezvous-info', {
      directives: [{ ipAddress: '127.0.0.1', devPort: 80 }],
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});

test('allowInternalRendezvous lets the operator set any address; the setting is validated', async () => {
  assert.throws(() => resolveConfig(['env', { allowInternalRendezvous: 'yes' }]), {
    code: 'ERR_CONFIG',
    message: /allow-internal-rendezvous/,
  });
  assert.throws(() => resolveConfig(['env', { rendezvousPolicy: 'closed' }]), { code: 'ERR_CONFIG', message: /rendezvous-policy/ });
  const tp = await startTestPlatform('iotopia-rv-allow-', { autoOwner: 'false', allowInternalRendezvous: 'true' });
  try {
    const tokens = await roleTokens(tp.platform);
    const r = await put(tp, tokens.owner, '/owner/rendezvous', { urls: ['http://169.254.169.254'] });
    assert.equal(r.statusCode, 200, r.body);
  } finally {
    await tp.close();
  }
});
