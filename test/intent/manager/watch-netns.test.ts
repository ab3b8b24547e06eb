/**
 * The intent role watching real traffic: tcpdump on the router's interface toward the device, the
 * verdict engine judging what it sees, violations in the API, and quarantine taking effect in
 * nftables once they pass the threshold, checked with TCP connections from the device namespace.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bearer, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { deleteNamespaces, routedPair, sendUdp, skipReason, tcpConnect, tcpServers } from '../nft/netns.ts';
import { mapResolver, memoryFetcher } from './fakes.ts';

const skip = skipReason(['tcpdump', '--version']);
const id = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
const [R, A, C] = ['r', 'a', 'c'].map((n) => `iot-wat-${id}${n}`) as [string, string, string];
const DEVICE_MAC = '02:00:00:00:00:0c';

const connect = (host: string, port: number): string => tcpConnect(A, host, port);

describe('intent role watching traffic with tcpdump in a router namespace', { skip }, () => {
  let p: TestPlatform;
  let server: ChildProcess;
  before(async () => {
    routedPair(R, A, C, DEVICE_MAC, id);
    server = await tcpServers(C);
    const mud = memoryFetcher();
    mud.files.set(
      MUD_URL,
      parse(
        mudJson([
          {
            ipv4: { protocol: 6, 'destination-ipv4-network': '198.51.100.0/24' },
            tcp: { 'destination-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
          },
        ]),
      ),
    );
    p = await startTestPlatform(
      'iotopia-intent-watch-',
      {
        roles: 'intent',
        intentGateway: `gw-${id}`,
        intentNetns: R,
        intentCaptureInterface: 'ra',
        intentQuarantineThreshold: '20',
        intentTickInterval: '3600',
      },
      { intentPorts: { resolver: mapResolver({}).resolver, fetcher: mud.fetcher } },
    );
    for (let i = 0; i < 100 && (await p.platform.store.intentLeases.get(`gw-${id}`)) === undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  after(async () => {
    await p?.close();
    server?.kill();
    deleteNamespaces(R, A, C);
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    p.platform.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: bearer(p.platform.firstAdminToken as string),
      ...(payload ? { payload } : {}),
    });

  test('drops seen on the wire become violations; past the threshold the device is quarantined', async () => {
    const r = await call('POST', '/intent/devices', { mac: DEVICE_MAC, ipv4: '192.0.2.2', mudUrl: MUD_URL });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().state, 'enforced', JSON.stringify(r.json().lastError));
    assert.equal(connect('198.51.100.2', 8080), 'open', 'allowed by the MUD file');

    // tcpdump needs a moment to start; send until the watch reports the denied UDP flow.
    let violations: { peer: string; peerPort: number; protocol: number; count: number }[] = [];
    for (let i = 0; i < 50 && violations.length === 0; i++) {
      sendUdp(A, '198.51.100.2', 9999, 2);
      await new Promise((ok) => setTimeout(ok, 100));
      await p.platform.intent?.flushWatch();
      violations = (await call('GET', `/intent/devices/${DEVICE_MAC}/violations`)).json().items;
    }
    const udp = violations.find((v) => v.protocol === 17);
    assert.equal(udp?.peer, '198.51.100.2');
    assert.equal(udp?.peerPort, 9999);
    assert.ok(
      violations.every((v) => v.peerPort !== 8080),
      'the allowed connection is no violation',
    );
    assert.equal((await call('GET', `/intent/devices/${DEVICE_MAC}`)).json().state, 'enforced', 'below the threshold');

    sendUdp(A, '198.51.100.2', 9999, 30);
    let state = '';
    for (let i = 0; i < 50 && state !== 'quarantined'; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      await p.platform.intent?.flushWatch();
      state = (await call('GET', `/intent/devices/${DEVICE_MAC}`)).json().state;
    }
    assert.equal(state, 'quarantined');
    assert.equal(connect('198.51.100.2', 8080), 'blocked', 'the quarantine policy is in nftables');
    const actions = (await call('GET', '/intent/quarantine-actions')).json().items as { mac: string; action: string; actor: string }[];
    assert.ok(actions.some((a) => a.mac === DEVICE_MAC && a.action === 'quarantine' && a.actor === 'system'));
  });
});
