/**
 * The MUD manager end to end on real components in network namespaces: `iotopia up --roles
 * mud,intent` runs in the gateway (the mud role serves a signed MUD file over https with a
 * certificate from a CA made here; the intent role programs the gateway's nftables). The device
 * asks busybox udhcpc for a lease carrying its MUD URL (DHCPv4 option 161); dnsmasq's
 * `--dhcp-script`, `iotopia intent dhcp-event`, hands MAC, address and DNSMASQ_MUD_URL to the
 * manager (POST /api/v1/intent/devices, source dhcp), which fetches, verifies, resolves and
 * enforces. Real TCP and UDP from the device namespace then pass only where the file allows; a
 * changed DNS record is followed after its TTL; an operator's quarantine closes the device and a
 * release reopens it.
 * Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Dnsmasq, startDnsmasq } from '../helpers/dnsmasq.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';
import {
  CLOUD,
  DEVICE_MAC,
  type DeviceView,
  type Gateway,
  deviceUntil as intentDeviceUntil,
  lease,
  MUD_URL,
  startGateway,
} from './intent-gateway.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

describe('the MUD manager enforces a device that announced its MUD URL by DHCP', { skip }, () => {
  const dir = tempDir('iotopia-enforce-');
  let net: Topology | undefined;
  let dnsmasq: Dnsmasq | undefined;
  let gateway: Gateway | undefined;
  let leased = '';
  after(() => net?.destroy());

  const api = (method: string, path: string, body?: object) => (gateway as Gateway).api(method, path, body);

  const deviceUntil = (ok: (d: DeviceView) => boolean, seconds?: number) => intentDeviceUntil(gateway as Gateway, DEVICE_MAC, ok, seconds);

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    const n = net;
    gateway = await startGateway(n, dir, 'mud,intent');
    const hook = gateway.dhcpHook();
    dnsmasq = await startDnsmasq(n, {
      dir,
      dhcpScript: hook,
      hosts: { [CLOUD]: [n.links.internet.ipv4] },
      localDomains: ['example.com'],
      ttl: 1,
    });
    n.run('internet', 'ip', ['addr', 'add', '198.51.100.3/24', 'dev', n.links.internet.ifname]);
    await n.serve('internet', { tcp: [8080, 8081], udp: [9999] });
    await n.serve('controller', { udp: [9998, 9999] });
    await n.serve('device', { tcp: [8080] });
  });

  const probe = (from: 'device' | 'internet', proto: 'tcp' | 'udp', addr: string, port: number) =>
    (net as Topology).probe(from, proto, addr, port);

  test('the lease with option 161 reaches the manager, which fetches, verifies and enforces the file', async () => {
    lease(net as Topology, dir, MUD_URL);
    const d = await deviceUntil((v) => v.state === 'enforced' || v.lastError !== undefined);
    assert.equal(d.state, 'enforced', JSON.stringify(d));
    assert.equal(d.mudUrl, MUD_URL);
    assert.equal(d.urlSource, 'dhcp');
    assert.match(d.ipv4 ?? '', /^192\.0\.2\.\d+$/);
    leased = d.ipv4 as string;
    assert.equal(d.mud?.signed, true);
    assert.match(d.mud?.signer ?? '', /CN=mud\.example\.com/);
    assert.deepEqual(
      d.resolved?.map((x) => [x.name, x.addresses]),
      [[CLOUD, ['198.51.100.2']]],
    );
  });

  test('only the flows the file allows pass, opened from the device', () => {
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8080), 'open', 'TCP 8080 to cloud.example.com');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9999), 'open', 'UDP 9999 to the hub controller');
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8081), 'blocked', 'another TCP port');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9998), 'blocked', 'another UDP port of the controller');
    assert.equal(probe('device', 'udp', '198.51.100.2', 9999), 'blocked', 'UDP 9999 to a host that is not the controller');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'blocked', 'TCP 8080 to an address cloud.example.com does not have');
    assert.equal(probe('internet', 'tcp', leased, 8080), 'blocked', 'the cloud may not open a connection to the device');
  });

  test('a changed DNS record is followed after its TTL, without opening anything else', async () => {
    (dnsmasq as Dnsmasq).setHosts({ [CLOUD]: ['198.51.100.3'] });
    // The manager re-resolves once the TTL (clamped to at least 30 s) has passed.
    const d = await deviceUntil((v) => v.resolved?.[0]?.addresses[0] === '198.51.100.3', 90);
    assert.deepEqual(d.resolved?.[0]?.addresses, ['198.51.100.3'], JSON.stringify(d));
    assert.equal(d.state, 'enforced');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'open', 'the new address of cloud.example.com');
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8080), 'blocked', 'the old address no longer');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8081), 'blocked', 'another TCP port of the new address');
  });

  test('an operator quarantines the device (basics only) and releases it', async () => {
    const q = api('POST', `/intent/devices/${DEVICE_MAC}/quarantine`, { reason: 'end-to-end test' });
    assert.equal(q.status, 200, q.text);
    assert.equal((await deviceUntil((v) => v.state === 'quarantined')).state, 'quarantined');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'blocked', 'the allowed flow is closed in quarantine');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9999), 'blocked');
    const actions = api('GET', `/intent/quarantine-actions?mac=${DEVICE_MAC}`);
    assert.equal(actions.status, 200, actions.text);
    assert.match(actions.text, /"action":"quarantine"/);
    const rel = api('POST', `/intent/devices/${DEVICE_MAC}/release`, { reason: 'done' });
    assert.equal(rel.status, 200, rel.text);
    assert.equal((await deviceUntil((v) => v.state === 'enforced')).state, 'enforced');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'open', 'released: the file applies again');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8081), 'blocked');
  });
});
