import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RVProtocolValue } from '../../../src/fdo/constants/rendezvous.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import { ownerRendezvousUrls } from '../../../src/onboarding/to0-registrar.ts';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from './owner-world.ts';

describe('the rendezvous an owner registers with', () => {
  test('per FDO §3.7: owner directives only, at RVOwnerPort (RVDevPort when absent), http(s) only', () => {
    const urls = ownerRendezvousUrls([
      rendezvousDirectiveFromView({ dns: 'dev-only.example', devPort: 80, devOnly: true, protocol: RVProtocolValue.RVProtHttp }),
      rendezvousDirectiveFromView({
        dns: 'rv.example',
        ipAddress: '192.0.2.7',
        devPort: 8041,
        ownerPort: 8042,
        protocol: RVProtocolValue.RVProtHttps,
      }),
      rendezvousDirectiveFromView({ ipAddress: '2001:db8::5', devPort: 8080, protocol: RVProtocolValue.RVProtHttp }),
      rendezvousDirectiveFromView({ dns: 'coap.example', devPort: 5683, protocol: RVProtocolValue.RVProtCoapUdp }),
      rendezvousDirectiveFromView({ dns: 'bypass.example', ownerPort: 1, bypass: true }),
    ]);
    assert.deepEqual(urls, ['https://rv.example:8042', 'https://192.0.2.7:8042', 'http://[2001:db8::5]:8080']);
  });

  test('an IPv4-mapped IPv6 address (as go-fdo-server writes 127.0.0.1) is reached over IPv4, where its certificate names it', () => {
    const urls = ownerRendezvousUrls([
      rendezvousDirectiveFromView({ ipAddress: '::ffff:192.0.2.9', devPort: 8041, protocol: RVProtocolValue.RVProtHttps }),
    ]);
    assert.deepEqual(urls, ['https://192.0.2.9:8041']);
  });

  test('the refresh settings are validated when the server starts', () => {
    const c = resolveConfig(['env', { to0RefreshMargin: '0.5', to0RefreshInterval: '0' }]);
    assert.equal(c.to0RefreshMargin, 0.5);
    assert.equal(c.to0RefreshInterval, 0);
    for (const bad of [
      { to0RefreshMargin: '1.5' },
      { to0RefreshMargin: '' },
      { to0RefreshInterval: '-1' },
      { to0RefreshInterval: '1.5' },
    ]) {
      assert.throws(() => resolveConfig(['env', bad]), { code: 'ERR_CONFIG', message: /to0-refresh/ });
    }
  });
});

for (const backend of BACKENDS) {
  describe(`owner rendezvous list (${backend.name})`, { skip: backend.skip }, () => {
    let w: OwnerWorld;
    before(async () => {
      w = await startOwnerWorld(backend.name, { roles: 'owner' });
    });
    after(() => w?.close());
    const call = (method: 'GET' | 'PUT' | 'DELETE', payload?: object) =>
      w.platform.app.inject({
        method,
        url: '/api/v1/owner/rendezvous',
        headers: bearer(w.tokens.owner),
        ...(payload === undefined ? {} : { payload }),
      });

    test('set, show and forget the list; each change is audited', async () => {
      assert.deepEqual((await call('GET')).json(), { source: 'voucher' });
      const put = await call('PUT', { urls: ['https://rv.example:8443/', 'http://127.0.0.1:8041'] });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { urls: ['https://rv.example:8443', 'http://127.0.0.1:8041'], source: 'setting' });
      assert.deepEqual((await call('DELETE')).json(), { source: 'voucher' });
      const audit = await w.platform.store.audit.list({ subject: 'setting:owner/rendezvous' });
      assert.deepEqual(
        audit.items.map((a) => a.action),
        ['owner.rendezvous.set', 'owner.rendezvous.reset'],
      );
    });

    test('anything but http(s) base URLs is refused naming the entry', async () => {
      for (const [payload, field] of [
        [{ urls: [] }, 'urls'],
        [{ urls: ['ftp://rv.example'] }, 'urls[0]'],
        [{ urls: ['https://rv.example', 'not a url'] }, 'urls[1]'],
        [{ urls: ['https://user:pw@rv.example'] }, 'urls[0]'],
        [{ urls: ['https://rv.example'], x: 1 }, 'x'],
      ] as const) {
        const r = await call('PUT', payload);
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        assert.equal((r.json() as { field: string }).field, field);
      }
    });
  });
}
