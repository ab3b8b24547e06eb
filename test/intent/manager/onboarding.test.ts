/**
 * Onboarding to enforcement: a device the agent onboards with a MUD URL ends up enforced by the
 * intent role of the same server, whether the network (a DHCP lease) knew its address before TO2
 * or learns it afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { guidFromText, guidToHex } from '../../../src/fdo/types/guid.ts';
import { runCli } from '../../helpers/cli.ts';
import { bearer, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { mapResolver, memoryFetcher, recordingEnforcer } from './fakes.ts';

const CLOUD = 'cloud.things.example.com';

describe('onboarding to enforcement', () => {
  let p: TestPlatform;
  const enf = recordingEnforcer();
  before(async () => {
    const mud = memoryFetcher();
    mud.files.set(MUD_URL, parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 } }])));
    const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } });
    p = await startTestPlatform(
      'iotopia-intent-onboard-',
      { roles: 'manufacturer,owner,intent', intentGateway: 'onboard-gw', intentTickInterval: '3600' },
      { intentPorts: { enforcer: enf.enforcer, resolver: dns.resolver, fetcher: mud.fetcher } },
    );
    for (let i = 0; i < 100 && (await p.platform.store.intentLeases.get('onboard-gw')) === undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  after(() => p?.close());

  const deviceAt = (mac: string) =>
    p.platform.app.inject({ method: 'GET', url: `/api/v1/intent/devices/${mac}`, headers: bearer(p.platform.firstAdminToken as string) });

  /** The manager acts after TO2 has answered; wait for the device's state rather than for time. */
  async function settled(mac: string, state: string): Promise<{ state: string; mudUrl?: string; guid?: string; urlSource: string }> {
    for (let i = 0; i < 200; i++) {
      const r = await deviceAt(mac);
      if (r.statusCode === 200 && r.json().state === state) return r.json();
      await new Promise((ok) => setTimeout(ok, 25));
    }
    return (await deviceAt(mac)).json();
  }

  async function onboard(credential: string): Promise<string> {
    const init = await runCli(['device', 'init', '--manufacturer', p.url, '--credential', credential, '--json'], p.dir);
    assert.equal(init.code, 0, init.err);
    const onboarded = await runCli(
      ['device', 'onboard', '--credential', credential, '--owner', p.url, '--mud-url', MUD_URL, '--json'],
      p.dir,
    );
    assert.equal(onboarded.code, 0, onboarded.err);
    return guidToHex(guidFromText((JSON.parse(onboarded.out) as { guid: string }).guid));
  }

  test('a lease known before TO2: the onboarded device is enforced with its MUD URL and GUID, no manual step', async () => {
    const mac = '02:00:5e:00:00:21';
    // What a DHCP server reports of the device (dnsmasq's hook does this): its MAC and address, no MUD URL.
    const lease = await p.platform.app.inject({
      method: 'POST',
      url: '/api/v1/intent/devices',
      headers: bearer(p.platform.firstAdminToken as string),
      payload: { mac, ipv4: '127.0.0.1', source: 'dhcp' },
    });
    assert.equal(lease.statusCode, 200, lease.body);
    assert.notEqual(lease.json().state, 'enforced');
    const before = enf.scripts.length;
    const guid = await onboard('a/c.cbor');
    const d = await settled(mac, 'enforced');
    assert.equal(d.state, 'enforced');
    assert.equal(d.mudUrl, MUD_URL);
    assert.equal(d.urlSource, 'fdo');
    assert.equal(d.guid, guid);
    assert.equal(enf.scripts.length, before + 1);
    assert.match(enf.last(), /198\.51\.100\.7/);
    // The lease ends (dnsmasq's del): the address may go to another device next.
    const removed = await p.platform.app.inject({
      method: 'DELETE',
      url: `/api/v1/intent/devices/${mac}`,
      headers: bearer(p.platform.firstAdminToken as string),
    });
    assert.equal(removed.statusCode, 200, removed.body);
  });

  test('TO2 before the lease: the MUD URL waits for the address, and the lease that brings the MAC enforces it', async () => {
    const mac = '02:00:5e:00:00:22';
    const guid = await onboard('b/c.cbor');
    const none = await deviceAt(mac);
    assert.equal(none.statusCode, 404, 'the address is known, the MAC is not: nothing is enforced yet');
    const lease = await p.platform.app.inject({
      method: 'POST',
      url: '/api/v1/intent/devices',
      headers: bearer(p.platform.firstAdminToken as string),
      payload: { mac, ipv4: '127.0.0.1', source: 'dhcp' },
    });
    assert.equal(lease.statusCode, 200, lease.body);
    const d = await settled(mac, 'enforced');
    assert.equal(d.state, 'enforced');
    assert.equal(d.mudUrl, MUD_URL);
    assert.equal(d.urlSource, 'fdo');
    assert.equal(d.guid, guid);
  });
});
