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
const MAC = '02:00:5e:00:00:01';

describe('intent management API', () => {
  let store: Store;
  let app: FastifyInstance;
  let readOnly: FastifyInstance;
  const tokens: Record<string, string> = {};
  const enf = recordingEnforcer();
  before(async () => {
    store = await sqliteMemoryHarness().open(KEK);
    const mud = memoryFetcher();
    mud.files.set(MUD_URL, parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 } }])));
    const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } });
    const intent = createIntentManager({
      store,
      enforcer: enf.enforcer,
      resolver: dns.resolver,
      fetcher: mud.fetcher,
      quarantine: { threshold: 3 },
    });
    app = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [], intent } });
    readOnly = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [] } });
    for (const role of ['owner', 'auditor', 'manufacturer'] as const)
      tokens[role] = (await createApiToken(store, { name: role, roles: [role] })).secret;
  });
  after(async () => {
    await app?.close();
    await readOnly?.close();
    await store?.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, role = 'owner', on = app) =>
    on.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      ...(payload === undefined ? {} : { payload }),
    });

  test('POST /intent/devices registers and enforces; GET shows the MUD state; roles are checked', async () => {
    const r = await call('POST', '/intent/devices', { mac: '02-00-5E-00-00-01', ipv4: '192.0.2.10', mudUrl: MUD_URL });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json();
    assert.equal(d.mac, MAC);
    assert.equal(d.state, 'enforced');
    assert.equal(d.urlSource, 'api');
    assert.equal(d.mud.signed, true);
    assert.match(d.mud.digest, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      d.resolved.map((n: { addresses: string[] }) => n.addresses),
      [['198.51.100.7']],
    );
    assert.ok(typeof d.lastFetch === 'string' && typeof d.nextRefresh === 'string');
    assert.equal(enf.scripts.length, 1);

    const one = await call('GET', `/intent/devices/${MAC}`, undefined, 'auditor');
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().ruleCount, d.ruleCount);
    const list = await call('GET', '/intent/devices?limit=1', undefined, 'auditor');
    assert.deepEqual(
      list.json().items.map((x: { mac: string }) => x.mac),
      [MAC],
    );
    assert.equal((await call('GET', '/intent/devices', undefined, 'manufacturer')).statusCode, 403);
    assert.equal((await call('POST', '/intent/devices', { mac: MAC }, 'auditor')).statusCode, 403);
    const bad = await call('POST', '/intent/devices', { mac: 'nope' });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().code, 'ERR_INTENT_DEVICE_INPUT');
    assert.equal((await call('POST', '/intent/devices', { mac: MAC, extra: 1 })).statusCode, 400);
    assert.equal((await call('GET', '/intent/devices/02:00:5e:00:00:99')).statusCode, 404);
    assert.equal((await call('GET', '/intent/devices/zz')).json().code, 'ERR_API_VALIDATION');
    // The API names devices by MAC.
    assert.equal((await call('POST', '/intent/devices', { ipv4: '192.0.2.99', mudUrl: MUD_URL } as object)).statusCode, 400);
  });

  test('refresh, violations, quarantine and release, quarantine actions, delete', async () => {
    const bare = await app.inject({
      method: 'POST',
      url: `/api/v1/intent/devices/${MAC}/refresh`,
      headers: { authorization: `Bearer ${tokens['owner']}` },
    });
    assert.equal(bare.statusCode, 200, `a refresh needs no body: ${bare.body}`);
    assert.equal((await call('POST', `/intent/devices/${MAC}/refresh`, { force: 'yes' })).statusCode, 400);
    enf.scripts.pop();
    const refreshed = await call('POST', `/intent/devices/${MAC}/refresh`, {});
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.equal(enf.scripts.length, 2, 'force re-applies');
    const q = await call('POST', `/intent/devices/${MAC}/quarantine`, { reason: 'scanning the LAN' });
    assert.equal(q.statusCode, 200, q.body);
    assert.equal(q.json().action, 'quarantine');
    assert.match(q.json().actor, /^token:/);
    assert.equal((await call('GET', `/intent/devices/${MAC}`)).json().state, 'quarantined');
    assert.equal((await call('POST', `/intent/devices/${MAC}/quarantine`, {})).statusCode, 400);
    assert.equal((await call('POST', `/intent/devices/${MAC}/release`, { reason: 7 })).statusCode, 400);
    const rel = await app.inject({
      method: 'POST',
      url: `/api/v1/intent/devices/${MAC}/release`,
      headers: { authorization: `Bearer ${tokens['owner']}` },
    });
    assert.equal(rel.statusCode, 200, rel.body);
    assert.equal((await call('POST', `/intent/devices/${MAC}/release`, {})).statusCode, 422);
    const actions = await call('GET', `/intent/quarantine-actions?mac=${MAC}`, undefined, 'auditor');
    assert.deepEqual(
      actions.json().items.map((a: { action: string }) => a.action),
      ['quarantine', 'release'],
    );

    await store.intentViolations.record({
      mac: MAC,
      direction: 'from-device',
      protocol: 17,
      peer: '203.0.113.5',
      peerPort: 53,
      localPort: 4000,
      acl: 'from',
      at: new Date(),
    });
    const v = await call('GET', `/intent/devices/${MAC}/violations`, undefined, 'auditor');
    assert.equal(v.statusCode, 200);
    assert.equal(v.json().items[0].peer, '203.0.113.5');
    assert.equal((await call('GET', '/intent/violations?limit=5', undefined, 'auditor')).json().items.length, 1);
    assert.equal((await call('GET', '/intent/violations?cursor=***', undefined, 'auditor')).statusCode, 400);

    const flow = { direction: 'to-device', protocol: 6, peer: '203.0.113.6', peerPort: 4444, localPort: 23, acl: 'to' };
    const reported = await call('POST', `/intent/devices/${MAC}/violations`, {
      violations: [flow, { ...flow, count: 2, at: '2030-01-01T00:00:00Z' }],
    });
    assert.equal(reported.statusCode, 200, reported.body);
    assert.equal(reported.json().state, 'quarantined', 'threshold 3 reached');
    assert.equal((await call('POST', `/intent/devices/${MAC}/violations`, { violations: [{ ...flow, peer: '' }] })).statusCode, 400);
    assert.equal((await call('POST', `/intent/devices/${MAC}/violations`, { violations: [{ ...flow, at: 'yesterday' }] })).statusCode, 400);
    assert.equal((await call('POST', `/intent/devices/${MAC}/violations`, { violations: [flow] }, 'auditor')).statusCode, 403);
    assert.equal((await call('POST', '/intent/devices/02:00:5e:00:00:77/violations', { violations: [flow] })).statusCode, 404);

    const del = await call('DELETE', `/intent/devices/${MAC}`);
    assert.equal(del.statusCode, 200);
    assert.equal(del.json().state, 'removed');
    assert.deepEqual(enf.removed, [MAC]);
  });

  test('a server without the intent role answers reads and refuses changes', async () => {
    assert.equal((await call('GET', `/intent/devices/${MAC}`, undefined, 'owner', readOnly)).statusCode, 200);
    const r = await call('POST', '/intent/devices', { mac: MAC }, 'owner', readOnly);
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().code, 'ERR_API_INTENT_OFF');
  });
});
