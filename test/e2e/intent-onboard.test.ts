/**
 * Onboarding to enforcement in network namespaces: `iotopia up` in the gateway plays manufacturer,
 * rendezvous, owner, mud and intent. The device takes a DHCP lease without a MUD URL (dnsmasq's
 * hook tells the manager its MAC and address), is manufactured (DI, with a DI token) and onboarded
 * (TO2) by the IoTopia device agent from the device namespace, reporting its MUD URL. With no
 * manual step the manager joins what TO2 told it (MUD URL, GUID, the address TO2 came from) with the
 * lease, fetches the signed file and enforces it: real TCP and UDP from the device then pass only
 * where the file allows. Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDnsmasq } from '../helpers/dnsmasq.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';
import { CLOUD, DEVICE_MAC, deviceUntil, type Gateway, lease, MUD_URL, ROOT, SERVER, startGateway } from './intent-gateway.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

describe('an FDO-onboarded device ends up enforced without a manual step', { skip }, () => {
  const dir = tempDir('iotopia-onboard-');
  let net: Topology | undefined;
  let gateway: Gateway | undefined;
  after(() => net?.destroy());

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    const n = net;
    gateway = await startGateway(n, dir, 'manufacturer,rendezvous,owner,mud,intent', ['--auto-owner']);
    await startDnsmasq(n, {
      dir,
      dhcpScript: gateway.dhcpHook(),
      hosts: { [CLOUD]: [n.links.internet.ipv4] },
      localDomains: ['example.com'],
    });
    await n.serve('internet', { tcp: [8080, 8081], udp: [9999] });
    await n.serve('controller', { udp: [9998, 9999] });
  });

  /** The device agent (`iotopia device …`) run in the device namespace, trusting the test CA. */
  function agent(args: string[]): string {
    const g = gateway as Gateway;
    const r = (net as Topology).exec('device', process.execPath, [
      join(ROOT, 'bin/iotopia.js'),
      'device',
      ...args,
      '--tls-ca',
      g.ca,
      '--json',
    ]);
    assert.equal(r.status, 0, `iotopia device ${args[0]}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  test('the lease alone brings no MUD URL: the never-good default (deny, the basics only) applies', async () => {
    const g = gateway as Gateway;
    lease(net as Topology, dir);
    const d = await deviceUntil(g, DEVICE_MAC, (v) => v.state !== undefined && v.state !== 'pending');
    assert.match(d.ipv4 ?? '', /^192\.0\.2\.\d+$/, JSON.stringify(d));
    assert.equal(d.mudUrl, undefined);
    assert.equal(d.state, 'default-deny', JSON.stringify(d));
    assert.equal((net as Topology).probe('device', 'tcp', '198.51.100.2', 8080), 'blocked');
  });

  test('DI and TO2 with the MUD URL: the manager joins them with the lease and enforces the signed file', async () => {
    const g = gateway as Gateway;
    const token = g.api('POST', '/manufacturer/di-tokens', { name: 'e2e line', maxDevices: 1 });
    assert.equal(token.status, 201, token.text);
    const secret = (token.json as { secret: string }).secret;
    const credential = join(dir, 'device', 'credential.cbor');
    agent(['init', '--manufacturer', `https://${SERVER}`, '--credential', credential, '--di-token', secret]);
    const onboarded = JSON.parse(agent(['onboard', '--credential', credential, '--owner', `https://${SERVER}`, '--mud-url', MUD_URL])) as {
      guid: string;
    };
    const d = await deviceUntil(g, DEVICE_MAC, (v) => v.state === 'enforced' || v.lastError !== undefined);
    assert.equal(d.state, 'enforced', JSON.stringify(d));
    assert.equal(d.mudUrl, MUD_URL);
    assert.equal(d.urlSource, 'fdo');
    assert.equal(d.guid?.replaceAll('-', '').toLowerCase(), onboarded.guid.replaceAll('-', '').toLowerCase());
    assert.equal(d.mud?.signed, true);
  });

  test('then only the flows the file allows pass', () => {
    const n = net as Topology;
    assert.equal(n.probe('device', 'tcp', '198.51.100.2', 8080), 'open', 'TCP 8080 to cloud.example.com');
    assert.equal(n.probe('device', 'udp', '203.0.113.2', 9999), 'open', 'UDP 9999 to the hub controller');
    assert.equal(n.probe('device', 'tcp', '198.51.100.2', 8081), 'blocked', 'another TCP port');
    assert.equal(n.probe('device', 'udp', '203.0.113.2', 9998), 'blocked', 'another UDP port of the controller');
  });
});
