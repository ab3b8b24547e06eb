import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi } from '../../../src/fdo/client/flows.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { decodeTo1d } from '../../../src/fdo/messages/to0.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from './owner-world.ts';

for (const backend of BACKENDS) {
  describe(`owner TO2 address (${backend.name})`, { skip: backend.skip }, () => {
    let w: OwnerWorld;
    before(async () => {
      // Auto-owner on: DI registers each new voucher with this server's rendezvous at once.
      w = await startOwnerWorld(backend.name, { autoOwner: true });
    });
    after(() => w?.close());

    const call = (method: 'GET' | 'PUT' | 'DELETE', payload?: unknown, token = w.tokens.owner) =>
      w.platform.app.inject({
        method,
        url: '/api/v1/owner/to2-address',
        headers: bearer(token),
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    test('without a setting, the computed address of this server is in force', async () => {
      const r = await call('GET');
      assert.equal(r.statusCode, 200);
      const port = Number(new URL(w.platform.url).port);
      assert.deepEqual(r.json(), { addresses: [{ ip: '127.0.0.1', port, protocol: 'http' }], source: 'default' });
    });

    test('PUT stores the address, GET shows it, the audit log names the token', async () => {
      const addresses = [
        { dns: 'owner.example.com', port: 8443, protocol: 'https' },
        { ip: '2001:db8::1', port: 80, protocol: 'http' },
      ];
      const put = await call('PUT', { addresses });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { addresses, source: 'setting' });
      assert.deepEqual((await call('GET')).json(), { addresses, source: 'setting' });
      const audit = await w.platform.store.audit.list({ subject: 'setting:owner/to2-address' });
      const last = audit.items.at(-1);
      assert.equal(last?.action, 'owner.to2-address.set');
      assert.match(last?.actor ?? '', /^token:/);
      assert.deepEqual(last?.details, { value: { addresses } });
    });

    test('a device made by DI afterwards is registered with the stored address (auto-owner)', async () => {
      const addresses = [{ dns: 'to2.example.net', port: 9000, protocol: 'https' }];
      assert.equal((await call('PUT', { addresses })).statusCode, 200);
      const credential = await runDi(w.platform.url, {
        random,
        deviceKey: (await generateKeyPair('secp256r1')).privateKey,
        serialNumber: 'SN-to2',
        model: 'to2 address test',
      });
      const registration = await w.platform.store.rendezvous.get(credential.guid);
      assert.ok(registration, 'the voucher was registered');
      assert.deepEqual(decodeTo1d(registration.to1d).payload.rvTo2Addr, [
        { dns: 'to2.example.net', port: 9000, protocol: TransportProtocol.ProtHTTPS },
      ]);
    });

    test('DELETE goes back to the computed address', async () => {
      const r = await call('DELETE');
      assert.equal(r.statusCode, 200);
      assert.equal((r.json() as { source: string }).source, 'default');
      assert.equal(await w.platform.store.settings.get('owner', 'to2-address'), undefined);
    });

    test('invalid addresses are 400 problems naming the field; nothing is stored', async () => {
      const cases: [unknown, string][] = [
        [{}, 'addresses'],
        [{ addresses: [] }, 'addresses'],
        [[{ ip: '1.2.3.4', port: 1, protocol: 'http' }], 'body'],
        [{ addresses: [{ port: 80, protocol: 'http' }] }, 'addresses[0]'],
        [{ addresses: [{ ip: '300.1.1.1', port: 80, protocol: 'http' }] }, 'addresses[0].ip'],
        [{ addresses: [{ dns: 'bad host!', port: 80, protocol: 'http' }] }, 'addresses[0].dns'],
        [{ addresses: [{ dns: 'a.example', port: 0, protocol: 'http' }] }, 'addresses[0].port'],
        [{ addresses: [{ dns: 'a.example', port: 80, protocol: 'coap' }] }, 'addresses[0].protocol'],
        [{ addresses: [{ dns: 'a.example', port: 80, protocol: 'http', extra: 1 }] }, 'addresses[0].extra'],
        [{ addresses: [{ dns: 'a.example', port: 80, protocol: 'http' }], more: true }, 'more'],
      ];
      for (const [payload, field] of cases) {
        const r = await call('PUT', payload);
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        assert.deepEqual((({ code, field }) => ({ code, field }))(r.json() as { code: string; field: string }), {
          code: 'ERR_API_VALIDATION',
          field,
        });
      }
      assert.equal((await call('GET')).json().source, 'default');
    });

    test('only owner and admin tokens may read or change it', async () => {
      assert.equal((await call('GET', undefined, w.tokens.manufacturer)).statusCode, 403);
      assert.equal(
        (await call('PUT', { addresses: [{ dns: 'x.example', port: 1, protocol: 'http' }] }, w.tokens.rendezvous)).statusCode,
        403,
      );
      assert.equal((await call('GET', undefined, w.tokens.admin)).statusCode, 200);
    });
  });
}
