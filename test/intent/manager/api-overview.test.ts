/**
 * The intent overview through the management API: devices per enforcement state and violating
 * flows per hour (GET /stats/intent), one violation opened by its id, and a published MUD file's
 * policy in words (GET /mud-files/{name}/description); roles checked on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createIntentManager } from '../../../src/intent/manager/manager.ts';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { createApp } from '../../../src/server/app.ts';
import type { Store } from '../../../src/store/store.ts';
import { KEK } from '../../store/contract/shared.ts';
import { sqliteMemoryHarness } from '../../store/harness.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { mapResolver, memoryFetcher, recordingEnforcer } from './fakes.ts';

const CLOUD = 'cloud.things.example.com';
const NOW = new Date('2030-01-01T12:30:00Z');
const lamp = mudJson([
  { ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 }, tcp: { 'destination-port': { operator: 'eq', port: 443 } } },
]);

describe('intent overview API', () => {
  let store: Store;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  before(async () => {
    store = await sqliteMemoryHarness().open(KEK);
    const mud = memoryFetcher();
    mud.files.set(MUD_URL, parse(lamp));
    const intent = createIntentManager({
      store,
      enforcer: recordingEnforcer().enforcer,
      resolver: mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } }).resolver,
      fetcher: mud.fetcher,
      quarantine: { threshold: 3 },
    });
    app = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [], intent, clock: () => NOW } });
    for (const role of ['owner', 'auditor', 'manufacturer'] as const)
      tokens[role] = (await createApiToken(store, { name: role, roles: [role] })).secret;
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object, role = 'owner') =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      ...(payload === undefined ? {} : { payload }),
    });

  test('GET /stats/intent counts devices per state and violating flows per hour', async () => {
    for (const mac of ['02:00:5e:00:00:01', '02:00:5e:00:00:02', '02:00:5e:00:00:03'])
      assert.equal((await call('POST', '/intent/devices', { mac, mudUrl: MUD_URL })).statusCode, 200);
    const flow = { direction: 'from-device', protocol: 6, peer: '203.0.113.9', peerPort: 23, localPort: 40000, acl: 'from' };
    const r = await call('POST', '/intent/devices/02:00:5e:00:00:03/violations', {
      violations: [
        { ...flow, count: 2, at: '2030-01-01T10:05:00Z' },
        { ...flow, peerPort: 22, at: '2030-01-01T12:10:00Z' },
      ],
    });
    assert.equal(r.json().state, 'quarantined');

    const quarantined = await call('GET', '/intent/devices?state=quarantined', undefined, 'auditor');
    assert.deepEqual(
      quarantined.json().items.map((d: { mac: string }) => d.mac),
      ['02:00:5e:00:00:03'],
    );
    assert.equal((await call('GET', '/intent/devices?state=enforced')).json().items.length, 2);
    assert.equal((await call('GET', '/intent/devices?state=sideways')).statusCode, 400);

    const stats = await call('GET', '/stats/intent?hours=4', undefined, 'auditor');
    assert.equal(stats.statusCode, 200, stats.body);
    const s = stats.json();
    assert.equal(s.devices.enforced, 2);
    assert.equal(s.devices.quarantined, 1);
    assert.equal(s.devices.failed, 0);
    assert.equal(s.total, 3);
    assert.deepEqual(
      s.hours.map((h: { hour: string; firstSeen: number; lastSeen: number }) => [h.hour, h.firstSeen, h.lastSeen]),
      [
        ['2030-01-01T09:00:00.000Z', 0, 0],
        ['2030-01-01T10:00:00.000Z', 1, 1],
        ['2030-01-01T11:00:00.000Z', 0, 0],
        ['2030-01-01T12:00:00.000Z', 1, 1],
      ],
    );
    assert.equal((await call('GET', '/stats/intent')).json().hours.length, 24, 'a day by default');
    assert.equal((await call('GET', '/stats/intent?hours=0')).statusCode, 400);
    assert.equal((await call('GET', '/stats/intent?hours=100000')).statusCode, 400);
    assert.equal((await call('GET', '/stats/intent', undefined, 'manufacturer')).statusCode, 403);
  });

  test('GET /intent/violations/{id} opens a listed violation; unknown and malformed ids are 404', async () => {
    const list = await call('GET', '/intent/devices/02:00:5e:00:00:03/violations', undefined, 'auditor');
    const listed = list.json().items.find((v: { peerPort: number }) => v.peerPort === 23);
    assert.ok(typeof listed?.id === 'string');
    const one = await call('GET', `/intent/violations/${listed.id}`, undefined, 'auditor');
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), listed);
    assert.equal(one.json().count, 2);
    assert.equal(one.json().acl, 'from');
    assert.equal(one.json().firstSeen, '2030-01-01T10:05:00.000Z');
    const other = Buffer.from('02:00:5e:00:00:03|from-device|6|203.0.113.9|24|40000').toString('base64url');
    assert.equal((await call('GET', `/intent/violations/${other}`)).statusCode, 404);
    assert.equal((await call('GET', `/intent/violations/${Buffer.from('nonsense').toString('base64url')}`)).statusCode, 404);
    assert.equal((await call('GET', '/intent/violations/not*base64')).statusCode, 400);
    assert.equal((await call('GET', `/intent/violations/${listed.id}`, undefined, 'manufacturer')).statusCode, 403);
  });

  test('GET /mud-files/{name}/description gives the policy in words, to owner, auditor and manufacturer', async () => {
    await store.mudFiles.put({
      name: 'lamp',
      content: new TextEncoder().encode(JSON.stringify(lamp)),
      signature: new Uint8Array([0x30, 0x00]),
      cacheValidity: 48,
      mudUrl: MUD_URL,
      signer: 'CN=Lamp maker',
    });
    for (const role of ['owner', 'auditor', 'manufacturer']) {
      const r = await call('GET', '/mud-files/lamp/description', undefined, role);
      assert.equal(r.statusCode, 200, `${role}: ${r.body}`);
      const d = r.json();
      assert.equal(d.device.mudUrl, MUD_URL);
      assert.ok(
        d.sentences.some((t: string) => t.includes(CLOUD) && t.includes('443')),
        JSON.stringify(d.sentences),
      );
      assert.deepEqual(
        d.rows.map((x: { policy: string; peer: string; protocol: string }) => [x.policy, x.peer, x.protocol]),
        [['from-device', CLOUD, 'TCP']],
      );
    }
    assert.equal((await call('GET', '/mud-files', undefined, 'auditor')).json().items[0].signer, 'CN=Lamp maker');
    assert.equal((await call('GET', '/mud-files/nothing/description')).statusCode, 404);
  });
});
