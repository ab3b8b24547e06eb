/**
 * Watching an enforced device on real components in network namespaces: `iotopia up --roles
 * mud,intent` in the gateway captures the device link (`--intent-capture-interface`, tcpdump) and
 * judges the frames with the verdict engine. The device, enforced from its DHCP lease's MUD URL,
 * tries flows its file does not allow: the violations appear in the API with the flow and the ACL,
 * and at the threshold the device is quarantined without an operator, which the API shows and an
 * operator reverses. Needs root, ip, nft, dnsmasq, busybox, tcpdump.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDnsmasq } from '../helpers/dnsmasq.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';
import { CLOUD, DEVICE_MAC, deviceUntil, type Gateway, lease, MUD_URL, startGateway } from './intent-gateway.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']) || toolMissing('tcpdump');

/** Violations (summed counts) that quarantine the device. */
const THRESHOLD = 5;

interface Violation {
  direction: string;
  protocol: number;
  peer: string;
  peerPort: number;
  acl: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

describe('an enforced device that strays is reported and quarantined', { skip }, () => {
  const dir = tempDir('iotopia-watch-');
  let net: Topology | undefined;
  let gateway: Gateway | undefined;
  after(() => net?.destroy());

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    const n = net;
    gateway = await startGateway(n, dir, 'mud,intent', [
      '--intent-capture-interface',
      n.links.device.gatewayIfname,
      '--intent-quarantine-threshold',
      String(THRESHOLD),
    ]);
    await startDnsmasq(n, {
      dir,
      dhcpScript: gateway.dhcpHook(),
      hosts: { [CLOUD]: [n.links.internet.ipv4] },
      localDomains: ['example.com'],
    });
    await n.serve('internet', { tcp: [8080, 8081], udp: [9999] });
    lease(n, dir, MUD_URL);
  });

  const violations = (): Violation[] => {
    const r = (gateway as Gateway).api('GET', `/intent/devices/${DEVICE_MAC}/violations`);
    assert.equal(r.status, 200, r.text);
    return (r.json as { items: Violation[] }).items;
  };

  test('the device is enforced, and an allowed flow is no violation', async () => {
    const g = gateway as Gateway;
    const d = await deviceUntil(g, DEVICE_MAC, (v) => v.state === 'enforced' || v.lastError !== undefined);
    assert.equal(d.state, 'enforced', JSON.stringify(d));
    assert.equal((net as Topology).probe('device', 'tcp', '198.51.100.2', 8080), 'open');
  });

  test('flows the file does not allow are reported with the flow and the ACL they fell through', async () => {
    const n = net as Topology;
    // The capture starts with the role's first tick: probe until the watcher has seen one.
    let found: Violation | undefined;
    for (let i = 0; i < 30 && found === undefined; i++) {
      assert.equal(n.probe('device', 'udp', '198.51.100.2', 9999), 'blocked');
      found = violations().find((v) => v.protocol === 17 && v.peer === '198.51.100.2' && v.peerPort === 9999);
    }
    assert.ok(found !== undefined, `a UDP 9999 violation: ${JSON.stringify(violations())}`);
    assert.equal(found.direction, 'from-device');
    assert.ok(found.count >= 1);
    assert.match(found.acl, /\S/);
    assert.equal(
      violations().find((v) => v.peerPort === 8080 && v.protocol === 6),
      undefined,
      'the allowed flow is not a violation',
    );
    assert.equal((await deviceUntil(gateway as Gateway, DEVICE_MAC, () => true)).state, 'enforced', 'below the threshold');
  });

  test('recent flows: the captured allowed flow accepted by its ACE, the refused one dropped', async () => {
    type Flow = { direction: string; protocol: number; peer: string; peerPort: number; verdict: string; rule: string; count: number };
    const g = gateway as Gateway;
    const flows = (): Flow[] => {
      const r = g.api('GET', `/intent/devices/${DEVICE_MAC}/flows`);
      assert.equal(r.status, 200, r.text);
      return (r.json as { items: Flow[] }).items;
    };
    let allowed: Flow | undefined;
    for (let i = 0; i < 30 && allowed === undefined; i++) {
      assert.equal((net as Topology).probe('device', 'tcp', '198.51.100.2', 8080), 'open');
      allowed = flows().find((f) => f.protocol === 6 && f.peer === '198.51.100.2' && f.peerPort === 8080);
    }
    assert.ok(allowed !== undefined, `the TCP 8080 flow: ${JSON.stringify(flows())}`);
    assert.equal(allowed.verdict, 'accept');
    assert.equal(allowed.direction, 'from-device');
    assert.match(allowed.rule, /^[^/]+\/[^/]+$/, 'the ACL and ACE that allowed it');
    const refused = flows().find((f) => f.protocol === 17 && f.peerPort === 9999);
    assert.equal(refused?.verdict, 'drop', JSON.stringify(flows()));
    assert.match(refused?.rule ?? '', /^default-deny/);
  });

  test('at the threshold the device is quarantined without an operator; an operator releases it', async () => {
    const g = gateway as Gateway;
    const n = net as Topology;
    let d = await deviceUntil(g, DEVICE_MAC, () => true);
    for (let i = 0; i < 40 && d.state !== 'quarantined'; i++) {
      n.probe('device', 'udp', '198.51.100.2', 9000 + i);
      d = await deviceUntil(g, DEVICE_MAC, (v) => v.state === 'quarantined', 1);
    }
    assert.equal(d.state, 'quarantined', JSON.stringify(d));
    const total = violations().reduce((s, v) => s + v.count, 0);
    assert.ok(total >= THRESHOLD, `${total} violations counted`);
    assert.equal(n.probe('device', 'tcp', '198.51.100.2', 8080), 'blocked', 'quarantine closes the allowed flow too');
    const actions = g.api('GET', `/intent/quarantine-actions?mac=${DEVICE_MAC}`);
    assert.equal(actions.status, 200, actions.text);
    const items = (actions.json as { items: { action: string; actor: string }[] }).items;
    assert.equal(items[0]?.action, 'quarantine', actions.text);
    const released = g.api('POST', `/intent/devices/${DEVICE_MAC}/release`, { reason: 'checked' });
    assert.equal(released.status, 200, released.text);
    assert.equal((await deviceUntil(g, DEVICE_MAC, (v) => v.state === 'enforced')).state, 'enforced');
    // Frames of the last probe judged at a tick after the release may still be reported; the
    // violations that led to the quarantine are gone.
    assert.deepEqual(
      violations().filter((v) => v.protocol === 17),
      [],
      'a release clears the violations',
    );
    assert.equal(n.probe('device', 'tcp', '198.51.100.2', 8080), 'open');
  });
});
