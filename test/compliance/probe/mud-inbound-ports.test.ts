/** The TCP ports a MUD file lets peers connect to, for the ACE shapes RFC 8519/8520 allow. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mudInboundPorts, portMatchSet } from '../../../src/compliance/probe/mud-inbound-ports.ts';
import { PortSet } from '../../../src/compliance/probe/port-set.ts';
import { MudBuilder } from '../../../src/mud/author/builder.ts';
import { eq, MUD_URL, mudFile, tcpAce } from './mud-fixtures.ts';

const ports = (s: PortSet) => s.toString();

describe('PortSet', () => {
  test('merges overlapping and adjacent ranges, answers has() at the edges', () => {
    const s = PortSet.of([
      [80, 90],
      [22, 22],
      [91, 95],
      [85, 100],
      [443, 443],
    ]);
    assert.equal(s.toString(), '22, 80-100, 443');
    assert.equal(s.size, 23);
    for (const p of [22, 80, 100, 443]) assert.equal(s.has(p), true, String(p));
    for (const p of [0, 21, 23, 79, 101, 442, 444, 65535]) assert.equal(s.has(p), false, String(p));
  });

  test('minus cuts ranges apart; union and the empty set', () => {
    const s = PortSet.ALL.minus(
      PortSet.of([
        [22, 22],
        [8000, 8999],
      ]),
    );
    assert.equal(s.toString(), '0-21, 23-7999, 9000-65535');
    assert.equal(s.size, 65536 - 1 - 1000);
    assert.equal(PortSet.EMPTY.toString(), 'none');
    assert.equal(PortSet.EMPTY.union(PortSet.of([[5, 5]])).toString(), '5');
  });

  test('each port operator of RFC 8519', () => {
    assert.equal(ports(portMatchSet({ kind: 'operator', operator: 'eq', port: 22 })), '22');
    assert.equal(ports(portMatchSet({ kind: 'operator', operator: 'lte', port: 1023 })), '0-1023');
    assert.equal(ports(portMatchSet({ kind: 'operator', operator: 'gte', port: 49152 })), '49152-65535');
    assert.equal(ports(portMatchSet({ kind: 'operator', operator: 'neq', port: 23 })), '0-22, 24-65535');
    assert.equal(ports(portMatchSet({ kind: 'operator', operator: 'neq', port: 0 })), '1-65535');
    assert.equal(ports(portMatchSet({ kind: 'range', lower: 8000, upper: 8010 })), '8000-8010');
  });
});

describe('mudInboundPorts', () => {
  test('to-device ACEs with eq, range, lte and gte ports add up', () => {
    const mud = mudFile([
      [tcpAce('a', eq(80)), tcpAce('b', { 'lower-port': 8000, 'upper-port': 8010 })],
      [tcpAce('c', { operator: 'lte', port: 7 }), tcpAce('d', { operator: 'gte', port: 65000 })],
    ]);
    assert.equal(ports(mudInboundPorts(mud)), '0-7, 80, 8000-8010, 65000-65535');
  });

  test('direction-initiated: to-device allows inbound, from-device does not', () => {
    const mud = mudFile([
      [
        tcpAce('peer-opens', eq(8443), { 'ietf-mud:direction-initiated': 'to-device' }),
        tcpAce('device-opens', eq(9000), { 'ietf-mud:direction-initiated': 'from-device' }),
      ],
    ]);
    assert.equal(ports(mudInboundPorts(mud)), '8443');
  });

  test('an ACE without a destination port allows every port, also when it names a source port', () => {
    const srcOnly = tcpAce('replies', undefined);
    (srcOnly.matches as { tcp: Record<string, unknown> }).tcp['source-port'] = eq(443);
    assert.equal(ports(mudInboundPorts(mudFile([[srcOnly]]))), '0-65535');
    const ipOnly = {
      name: 'any',
      matches: { ipv4: { 'ietf-acldns:src-dnsname': 'cloud.example.com' } },
      actions: { forwarding: 'accept' },
    };
    assert.equal(ports(mudInboundPorts(mudFile([[ipOnly]]))), '0-65535');
  });

  test('from-device ACEs, UDP, ICMP and other IP protocols allow no inbound TCP port', () => {
    const udp = { name: 'u', matches: { ipv4: { protocol: 17 }, udp: { 'destination-port': eq(53) } }, actions: { forwarding: 'accept' } };
    const icmp = { name: 'i', matches: { ipv4: { protocol: 1 }, icmp: { type: 8 } }, actions: { forwarding: 'accept' } };
    const gre = { name: 'g', matches: { ipv4: { protocol: 47 } }, actions: { forwarding: 'accept' } };
    const mud = mudFile([[udp, icmp, gre]], [[tcpAce('out', eq(22))]]);
    assert.equal(ports(mudInboundPorts(mud)), 'none');
  });

  test('a file without a to-device policy allows nothing inbound', () => {
    assert.equal(ports(mudInboundPorts(mudFile([], [[tcpAce('out', eq(443))]]))), 'none');
  });

  test('controller, same-manufacturer, local-networks and DNS-name sources all count as allowed', () => {
    const b = new MudBuilder({ mudUrl: MUD_URL, lastUpdate: '2026-12-01T08:00:00Z' });
    b.allow({ kind: 'controller', uri: 'urn:example:hub' }, { protocol: 'tcp', port: 1883, initiatedBy: 'peer' });
    b.allow({ kind: 'same-manufacturer' }, { protocol: 'tcp', port: 5683, initiatedBy: 'peer' });
    b.allow({ kind: 'local-networks' }, { protocol: 'tcp', port: 80, initiatedBy: 'peer' });
    b.allow({ kind: 'domain', name: 'admin.example.com' }, { protocol: 'tcp', port: 22, initiatedBy: 'peer' });
    // The device connects out: no inbound port.
    b.allow({ kind: 'domain', name: 'cloud.example.com' }, { protocol: 'tcp', port: 443 });
    const { mud } = b.build();
    assert.equal(ports(mudInboundPorts(mud)), '22, 80, 1883, 5683');
  });

  test('the probed family chooses the ACLs of that family', () => {
    const b = new MudBuilder({ mudUrl: MUD_URL, lastUpdate: '2026-12-01T08:00:00Z' });
    b.allow({ kind: 'local-networks' }, { protocol: 'tcp', port: 80, initiatedBy: 'peer', family: 'ipv4' });
    b.allow({ kind: 'local-networks' }, { protocol: 'tcp', port: 443, initiatedBy: 'peer', family: 'ipv6' });
    const { mud } = b.build();
    assert.equal(ports(mudInboundPorts(mud, { family: 4 })), '80');
    assert.equal(ports(mudInboundPorts(mud, { family: 6 })), '443');
    assert.equal(ports(mudInboundPorts(mud)), '80, 443');
  });

  test('an Ethernet ACE counts by its ethertype: IPv4 and IPv6 carry TCP, ARP does not', () => {
    const ace = (name: string, ethertype: number) => ({ name, matches: { eth: { ethertype } }, actions: { forwarding: 'accept' } });
    assert.equal(ports(mudInboundPorts(mudFile([[ace('arp', 0x0806)]], [], 'eth-acl-type'))), 'none');
    const v6 = mudFile([[ace('ip6', 0x86dd)]], [], 'eth-acl-type');
    assert.equal(ports(mudInboundPorts(v6, { family: 6 })), '0-65535');
    assert.equal(ports(mudInboundPorts(v6, { family: 4 })), 'none');
  });

  test('first match wins: a drop for every peer removes ports from later accepts, a conditional drop does not', () => {
    const dropAll = tcpAce('no-telnet', eq(23), {}, 'drop');
    const dropOne = { ...tcpAce('no-ssh-from-x', eq(22), {}, 'reject') };
    (dropOne.matches as { ipv4: Record<string, unknown> }).ipv4['source-ipv4-network'] = '198.51.100.0/24';
    const acceptLow = tcpAce('low', { 'lower-port': 1, 'upper-port': 1024 });
    const mud = mudFile([[tcpAce('web', eq(80)), dropAll, dropOne], [acceptLow]]);
    assert.equal(ports(mudInboundPorts(mud)), '1-22, 24-1024');
    // An accept before the drop keeps its port.
    const early = mudFile([[tcpAce('telnet', eq(23)), dropAll, acceptLow]]);
    assert.equal(ports(mudInboundPorts(early)), '1-1024');
  });

  test('a drop with direction-initiated from-device drops no new inbound connection', () => {
    const drop = tcpAce('d', eq(80), { 'ietf-mud:direction-initiated': 'from-device' }, 'drop');
    assert.equal(ports(mudInboundPorts(mudFile([[drop, tcpAce('web', eq(80))]]))), '80');
  });
});
