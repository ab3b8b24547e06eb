import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi } from '../../../src/fdo/client/flows.ts';
import { RVProtocolValue } from '../../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { type RendezvousInfo, rendezvousDirectiveView } from '../../../src/fdo/types/rendezvous-info.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { PG_SKIP, startReplicaPair } from '../../helpers/platform.ts';
import { systemRandom } from '../../helpers/random.ts';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

const URL_PATH = '/api/v1/manufacturer/rendezvous-info';

/** The decoder's reading of each directive, without the parts these tests do not set. */
const decoded = (info: RendezvousInfo) =>
  info.map((d) => {
    const { other, ...view } = rendezvousDirectiveView(d);
    assert.deepEqual(other, []);
    return view;
  });

describe('management API: the manufacturer sets the rendezvous info DI uses', () => {
  let w: ApiWorld;
  let port: number;
  before(async () => {
    w = await startApiWorld();
    port = Number(new URL(w.platform.url).port);
  });
  after(() => w.close());

  const call = (method: 'GET' | 'PUT' | 'DELETE', token: string, payload?: object) =>
    w.platform.app.inject({ method, url: URL_PATH, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

  async function manufacture(): Promise<{ credential: DeviceCredential; voucherRvInfo: RendezvousInfo }> {
    const { privateKey } = await generateKeyPair('secp256r1');
    const credential = await runDi(w.platform.url, {
      random: systemRandom,
      deviceKey: privateKey,
      serialNumber: `RV-${randomBytes(4).toString('hex')}`,
      model: 'rv info test',
    });
    const record = await w.platform.store.vouchers.get('manufacturer', credential.guid);
    assert.ok(record, 'DI stored the voucher');
    return { credential, voucherRvInfo: parseVoucher(record.voucher).header.rvInfo };
  }

  const defaultView = () => ({
    devOnly: false,
    ownerOnly: false,
    userInput: false,
    bypass: false,
    ipAddress: '127.0.0.1',
    devPort: port,
    ownerPort: port,
    protocol: RVProtocolValue.RVProtHttp,
  });

  test('without a stored value GET shows the default computed from the server address, and DI uses it', async () => {
    const r = await call('GET', w.tokens.manufacturer);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), {
      source: 'default',
      directives: [{ ipAddress: '127.0.0.1', devPort: port, ownerPort: port, protocol: 'http' }],
    });
    const { credential, voucherRvInfo } = await manufacture();
    assert.deepEqual(decoded(voucherRvInfo), [defaultView()]);
    assert.deepEqual(decoded(credential.rvInfo), [defaultView()]);
  });

  test('PUT stores directives; the next device gets them in its voucher and credential; the audit log names the token', async () => {
    const directives = [
      { dns: 'rv.example.com', devPort: 8443, ownerPort: 8443, protocol: 'https', delaySec: 30 },
      { ipAddress: '192.0.2.7', devPort: port, protocol: 'http', devOnly: true },
    ];
    const put = await call('PUT', w.tokens.manufacturer, { directives });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json(), { source: 'stored', directives });
    assert.deepEqual((await call('GET', w.tokens.admin)).json(), { source: 'stored', directives });

    const { credential, voucherRvInfo } = await manufacture();
    const expected = [
      {
        devOnly: false,
        ownerOnly: false,
        userInput: false,
        bypass: false,
        dns: 'rv.example.com',
        devPort: 8443,
        ownerPort: 8443,
        protocol: RVProtocolValue.RVProtHttps,
        delaySec: 30,
      },
      {
        devOnly: true,
        ownerOnly: false,
        userInput: false,
        bypass: false,
        ipAddress: '192.0.2.7',
        devPort: port,
        protocol: RVProtocolValue.RVProtHttp,
      },
    ];
    assert.deepEqual(decoded(voucherRvInfo), expected);
    assert.deepEqual(decoded(credential.rvInfo), expected);

    const audit = await w.platform.app.inject({
      method: 'GET',
      url: '/api/v1/audit?subject=setting:manufacturer/rv-info',
      headers: bearer(w.tokens.auditor),
    });
    const records = (audit.json() as { items: { actor: string; action: string; details: unknown }[] }).items;
    const tokens = await w.platform.store.apiTokens.list({ limit: 100 });
    const manufacturerId = tokens.items.find((t) => t.name === 'manufacturer')?.id;
    assert.deepEqual(
      records.map((a) => [a.action, a.actor, a.details]),
      [['manufacturer.rv-info.set', `token:${manufacturerId}`, { directives }]],
    );
  });

  test('a Wi-Fi password is stored and served to the manufacturer, but the audit record only says it is set', async () => {
    const directives = [{ dns: 'rv.example.com', devPort: 8443, protocol: 'https', wifiSsid: 'factory', wifiPw: 'hunter2-wifi' }];
    const put = await call('PUT', w.tokens.manufacturer, { directives });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual((await call('GET', w.tokens.manufacturer)).json(), { source: 'stored', directives });
    const audit = await w.platform.app.inject({
      method: 'GET',
      url: '/api/v1/audit?subject=setting:manufacturer/rv-info',
      headers: bearer(w.tokens.auditor),
    });
    const last = (audit.json() as { items: { details: { directives?: { wifiPw?: string }[] } }[] }).items.at(-1);
    assert.equal(last?.details.directives?.[0]?.wifiPw, '(set)');
    assert.doesNotMatch(audit.body, /hunter2-wifi/);
    assert.equal((await call('DELETE', w.tokens.manufacturer)).statusCode, 200);
  });
  test('DELETE goes back to the default for the next device', async () => {
    await call('PUT', w.tokens.manufacturer, { directives: [{ dns: 'elsewhere.example', protocol: 'http' }] });
    const del = await call('DELETE', w.tokens.manufacturer);
    assert.equal(del.statusCode, 200, del.body);
    assert.equal((del.json() as { source: string }).source, 'default');
    const { voucherRvInfo } = await manufacture();
    assert.deepEqual(decoded(voucherRvInfo), [defaultView()]);
  });

  test('invalid directives are refused, naming the field, and nothing is stored', async () => {
    const cases: [object, string][] = [
      [{}, 'directives'],
      [{ directives: [] }, 'directives'],
      [{ directives: Array.from({ length: 33 }, () => ({ dns: 'a.example' })) }, 'directives'],
      [{ directives: [{ devPort: 80 }] }, 'directives[0]'],
      [{ directives: [{ dns: 'bad host name' }] }, 'directives[0].dns'],
      [{ directives: [{ ipAddress: '300.1.1.1' }] }, 'directives[0].ipAddress'],
      [{ directives: [{ dns: 'a.example' }, { dns: 'b.example', devPort: 0 }] }, 'directives[1].devPort'],
      [{ directives: [{ dns: 'a.example', ownerPort: 65536 }] }, 'directives[0].ownerPort'],
      [{ directives: [{ dns: 'a.example', protocol: 'gopher' }] }, 'directives[0].protocol'],
      [{ directives: [{ dns: 'a.example', delaySec: -1 }] }, 'directives[0].delaySec'],
      [{ directives: [{ dns: 'a.example', devOnly: 'yes' }] }, 'directives[0].devOnly'],
      [{ directives: [{ dns: 'a.example', devOnly: true, ownerOnly: true }] }, 'directives[0]'],
      [{ directives: [{ dns: 'a.example', wifiPw: 'secret' }] }, 'directives[0].wifiPw'],
      [{ directives: [{ dns: 'a.example', svCertHash: 'ab' }] }, 'directives[0].svCertHash'],
    ];
    for (const [payload, field] of cases) {
      const r = await call('PUT', w.tokens.manufacturer, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload).slice(0, 80)}: ${r.body}`);
      const p = r.json() as { code: string; field: string };
      assert.equal(p.code, 'ERR_API_VALIDATION');
      assert.equal(p.field, field, JSON.stringify(payload).slice(0, 80));
    }
    assert.equal((await call('GET', w.tokens.manufacturer)).json().source, 'default');
  });

  test('only the manufacturer role (and admin) may read or set it', async () => {
    for (const role of ['owner', 'rendezvous', 'auditor'] as const) {
      assert.equal((await call('GET', w.tokens[role])).statusCode, 403, role);
      assert.equal((await call('PUT', w.tokens[role], { directives: [{ dns: 'x.example' }] })).statusCode, 403, role);
    }
  });
});

test('on PostgreSQL, rendezvous info set through one server is what DI on another writes', { skip: PG_SKIP }, async () => {
  const { a, b, close } = await startReplicaPair('iotopia-rvinfo-', { autoOwner: false });
  try {
    const admin = a.firstAdminToken ?? assert.fail('no admin token');
    const directives = [{ dns: 'rv.example.net', devPort: 443, protocol: 'https' }];
    const set = await a.app.inject({ method: 'PUT', url: URL_PATH, headers: bearer(admin), payload: { directives } });
    assert.equal(set.statusCode, 200, set.body);
    const { privateKey } = await generateKeyPair('secp256r1');
    const credential = await runDi(b.url, {
      random: systemRandom,
      deviceKey: privateKey,
      serialNumber: 'PG-1',
      model: 'pg',
    });
    assert.deepEqual(decoded(credential.rvInfo), [
      {
        devOnly: false,
        ownerOnly: false,
        userInput: false,
        bypass: false,
        dns: 'rv.example.net',
        devPort: 443,
        protocol: RVProtocolValue.RVProtHttps,
      },
    ]);
  } finally {
    await close();
  }
});
