/**
 * The compiled policy on real Linux forwarding: a router namespace between a device and a "cloud"
 * namespace applies the script; the device may open the port its MUD file allows and nothing else,
 * and the cloud may not open a connection to the device. With the device interface named, a device
 * address the policy lacks is closed to unsolicited inbound too. Needs nft and root (network namespaces).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileNft, type NftCompileOptions } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { mudJson, parse } from './mud-fixture.ts';

const skip = toolMissing('nft') || skipReason();
const DEVICE_MAC = '02:00:00:00:00:0a';

/** The lamp may open TCP 8080 to cloud.example.com over IPv4, nothing else; compiled for the device's known addresses. */
function lampScript(addresses: { ipv4?: string; ipv6?: string }): string {
  const file = parse(
    mudJson(
      [
        {
          ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' },
          tcp: { 'destination-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
        },
      ],
      [
        {
          ipv4: { protocol: 6, 'ietf-acldns:src-dnsname': 'cloud.example.com' },
          tcp: { 'source-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
        },
      ],
    ),
  );
  return compileNft(
    resolveMud(file, {
      mac: DEVICE_MAC,
      ...addresses,
      controllers: new Map(),
      myControllers: [],
      localNetworks: [],
      names: new Map([['cloud.example.com', ['198.51.100.2']]]),
    }),
  );
}

/**
 * The lamp may open TCP 8080 to cloud.example.com over IPv4 and IPv6, and the cloud may open TCP
 * 8081 to it; nothing else.
 */
function dualStackScript(addresses: { ipv4?: string; ipv6?: string }, opts: NftCompileOptions): string {
  const out = (family: 'ipv4' | 'ipv6') => ({
    [family]: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' },
    tcp: { 'destination-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
  });
  const back = (family: 'ipv4' | 'ipv6') => ({
    [family]: { protocol: 6, 'ietf-acldns:src-dnsname': 'cloud.example.com' },
    tcp: { 'source-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
  });
  const inbound = (family: 'ipv4' | 'ipv6') => ({
    [family]: { protocol: 6, 'ietf-acldns:src-dnsname': 'cloud.example.com' },
    tcp: { 'destination-port': { operator: 'eq', port: 8081 } },
  });
  const file = parse(mudJson([out('ipv4'), out('ipv6')], [back('ipv4'), back('ipv6'), inbound('ipv4'), inbound('ipv6')]));
  const context = { controllers: new Map(), myControllers: [], localNetworks: [] };
  const names = new Map([['cloud.example.com', ['198.51.100.2', '2001:db8:2::2', '203.0.113.2', '2001:db8:3::2']]]);
  return compileNft(resolveMud(file, { mac: DEVICE_MAC, ...addresses, ...context, names }), opts);
}

describe('a compiled policy enforced on the forward path', { skip }, () => {
  let net: Topology | undefined;
  after(() => net?.destroy());
  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC });
    await net.serve('internet', { tcp: [8080, 8081] });
    await net.serve('controller', { tcp: [8080, 8081] });
    await net.serve('device', { tcp: [8080, 8081] });
  });
  const connect = (from: 'device' | 'internet' | 'controller', host: string, port: number) =>
    (net as Topology).probe(from, 'tcp', host, port);

  test('before: everything is open; after: only the allowed port, opened by the device', () => {
    assert.equal(connect('device', '198.51.100.2', 8081), 'open');
    assert.equal(connect('internet', '192.0.2.2', 8080), 'open');
    assert.equal(connect('device', '2001:db8:2::2', 8081), 'open', 'IPv6 is forwarded too');
    const script = lampScript({ ipv4: '192.0.2.2', ipv6: '2001:db8:1::2' });
    const applied = (net as Topology).exec('gateway', 'nft', ['-f', '-'], script);
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(connect('device', '198.51.100.2', 8080), 'open', 'the allowed flow, opened by the device');
    assert.equal(connect('device', '198.51.100.2', 8081), 'blocked', 'another port: default deny');
    assert.equal(connect('internet', '192.0.2.2', 8080), 'blocked', 'the cloud may not open a connection to the device');
    assert.equal(connect('device', '2001:db8:2::2', 8080), 'blocked', 'the file allows IPv4 only: IPv6 falls to the default deny');
    assert.equal(connect('internet', '2001:db8:1::2', 8080), 'blocked', 'nor over IPv6');
  });
  // Without a device interface (the default), to-device traffic on a routed path is found by
  // destination address only (at the forward hook the destination MAC is the router's), so a device
  // address missing from the policy (an IPv6 SLAAC address, say) is not under any to-device rule:
  // the base chain's policy accepts it (docs/intent.md, "Addresses the manager was not told").
  test('without a device interface, a device address the policy was not given is not filtered', () => {
    const n = net as Topology;
    n.run('gateway', 'nft', ['flush', 'ruleset']);
    const applied = n.exec('gateway', 'nft', ['-f', '-'], lampScript({ ipv4: '192.0.2.2' }));
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(connect('internet', '192.0.2.2', 8080), 'blocked', 'the address the policy has is closed');
    assert.equal(connect('internet', '2001:db8:1::2', 8080), 'open', 'the address it lacks is not');
  });

  test('with the device interface, unsolicited inbound to an address the policy lacks is dropped; replies and allowed inbound pass', () => {
    const n = net as Topology;
    const iface = n.links.device.gatewayIfname;
    n.run('gateway', 'nft', ['flush', 'ruleset']);
    const script = dualStackScript({ ipv4: '192.0.2.2' }, { deviceInterfaces: [iface] });
    assert.equal(script.split('\n').filter((l) => l.includes(`oifname "${iface}" counter drop`)).length, 1, 'one rule for the interface');
    const applied = n.exec('gateway', 'nft', ['-f', '-'], script);
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(connect('internet', '2001:db8:1::2', 8081), 'blocked', 'the IPv6 address the gateway was not told is closed');
    assert.equal(connect('internet', '2001:db8:1::2', 8080), 'blocked', 'on every port');
    assert.equal(
      connect('device', '2001:db8:2::2', 8080),
      'open',
      "the device's own connection from that address: replies are established",
    );
    assert.equal(connect('device', '2001:db8:2::2', 8081), 'blocked', 'its from-device policy still applies');
    assert.equal(connect('internet', '192.0.2.2', 8081), 'open', 'inbound the policy allows, to the address it has');
    assert.equal(connect('internet', '192.0.2.2', 8080), 'blocked', 'and nothing else');
    assert.equal(
      connect('controller', '2001:db8:1::2', 8081),
      'blocked',
      'even from a peer whose inbound the policy allows: the address is under no device policy',
    );
    const counted = n.run('gateway', 'nft', ['list', 'chain', 'inet', 'iotopia', 'to_device']);
    const packets = Number(/oifname "[^"]+" counter packets (\d+)/.exec(counted)?.[1] ?? 0);
    assert.ok(packets >= 3, `the interface rule counted the dropped connection attempts: ${counted}`);
    // The same policy without the option: the old behaviour.
    n.run('gateway', 'nft', ['flush', 'ruleset']);
    const old = n.exec('gateway', 'nft', ['-f', '-'], dualStackScript({ ipv4: '192.0.2.2' }, {}));
    assert.equal(old.status, 0, old.stderr);
    assert.equal(connect('internet', '2001:db8:1::2', 8081), 'open', 'without the option the address is not filtered');
  });
});
