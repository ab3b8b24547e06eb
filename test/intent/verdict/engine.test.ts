/** The verdict engine on the hub and sensor of fixtures/: what each chain decides, and connection tracking. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import { type Flow, flowFromPacket, newFlow } from '../../../src/intent/verdict/flow.ts';
import { createFlowJudge, type FlowJudge } from '../../../src/intent/verdict/judge.ts';
import { compileMatcher, newVerdict, type Verdict } from '../../../src/intent/verdict/matcher.ts';
import { CT_ESTABLISHED, CT_INVALID, CT_NEW } from '../../../src/intent/verdict/rule.ts';
import { DNS_SERVERS, HUB, SENSOR, testPolicies } from './policies.ts';

const ROUTER = '02:00:00:00:ff:01';
const PEER_MAC = '02:00:00:00:02:01';
const SYN = 0x02;
const ACK = 0x10;
const SEC = 1_000_000;

interface P {
  from: string;
  to: string;
  srcMac?: string;
  dstMac?: string;
  proto?: number;
  sport?: number;
  dport?: number;
  flags?: number;
  icmp?: [number, number];
  t?: number;
}

/** A packet as the gateway's forward hook sees it: from a device, its MAC; to one, the router's as destination. */
function flow(p: P): Flow {
  const fromDevice = [HUB, SENSOR].find((d) => d.ipv4 === p.from || d.ipv6 === p.from);
  const packet: Packet = {
    timeUs: p.t ?? 0,
    wireLength: 60,
    srcMac: p.srcMac ?? fromDevice?.mac ?? PEER_MAC,
    dstMac: p.dstMac ?? ROUTER,
    ethertype: p.from.includes(':') ? 0x86dd : 0x0800,
    ip: {
      family: p.from.includes(':') ? 6 : 4,
      src: p.from,
      dst: p.to,
      protocol: p.proto ?? 6,
      laterFragment: false,
      ...(p.sport === undefined ? {} : { srcPort: p.sport, dstPort: p.dport ?? 0 }),
      ...((p.proto ?? 6) === 6 ? { tcpFlags: p.flags ?? SYN } : {}),
      ...(p.icmp === undefined ? {} : { icmpType: p.icmp[0], icmpCode: p.icmp[1] }),
    },
  };
  const f = newFlow();
  assert.ok(flowFromPacket(packet, f));
  return f;
}

function decided(labels: FlowJudge['labels'], v: Verdict): string {
  const l = labels[v.label];
  return `${v.accept ? 'accept' : 'drop'} ${l?.kind}${l?.acl === undefined ? '' : ` ${l.acl}`}${l?.ace === undefined ? '' : `/${l.ace}`}`;
}

describe('the matcher answers as the device chains', () => {
  const m = compileMatcher(testPolicies(), { dnsServers: DNS_SERVERS });
  const judge = (p: P, ct = CT_NEW): string => {
    const v = newVerdict();
    m.judge(flow(p), ct, v);
    return decided(m.labels, v);
  };

  test('an ACE of the from-device policy accepts what it names, and only that', () => {
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 443 }), 'accept ace hub-from/cloud-tls');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.99', sport: 40000, dport: 443 }), 'drop default-deny hub-from-time');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 444 }), 'drop default-deny hub-from-time');
    // direction-initiated from-device: the device may open it, an established reply is the base chain's.
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 443 }, CT_INVALID), 'drop default-deny hub-from-time');
    assert.equal(judge({ from: HUB.ipv6, to: '2001:db8:3::1e', proto: 17, sport: 40000, dport: 443 }), 'accept ace hub-from/cloud-quic');
  });

  test('ACEs are tried in order: an explicit drop ends the chain', () => {
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.25', sport: 40000, dport: 23 }), 'drop ace hub-from/lan-no-telnet');
    // my-controller 192.0.2.20 is local too, but mine-not-ssh comes first.
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.20', sport: 40000, dport: 23 }), 'accept ace hub-from/mine-not-ssh');
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.20', sport: 40000, dport: 22 }), 'accept ace hub-from/lan-low-tcp');
  });

  test('port operators: neq, lte, gte and ranges', () => {
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.20', sport: 1, dport: 65535 }), 'accept ace hub-from/mine-not-ssh');
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.25', sport: 1, dport: 1024 }), 'accept ace hub-from/lan-low-tcp');
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.25', sport: 1, dport: 1025 }), 'drop default-deny hub-from-time');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.140', sport: 1, dport: 8000 }), 'accept ace hub-from/peers-tcp');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.140', sport: 1, dport: 7999 }), 'drop default-deny hub-from-time');
    for (const [dport, want] of [
      [4999, 'drop default-deny hub-from-time'],
      [5000, 'accept ace hub-from/maker-udp'],
      [5010, 'accept ace hub-from/maker-udp'],
      [5011, 'drop default-deny hub-from-time'],
    ] as const)
      assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.79', proto: 17, sport: 1, dport }), want, `dport ${dport}`);
  });

  test('ICMP type and code; ICMPv6 in IPv6 only', () => {
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.25', proto: 1, icmp: [8, 0] }), 'accept ace hub-from/lan-ping4');
    assert.equal(judge({ from: HUB.ipv4, to: '192.0.2.25', proto: 1, icmp: [13, 0] }), 'drop default-deny hub-from-time');
    assert.equal(judge({ from: HUB.ipv6, to: '2001:db8:1::25', proto: 58, icmp: [128, 0] }), 'accept ace hub-from/lan-ping6');
    assert.equal(judge({ from: HUB.ipv6, to: '2001:db8:1::25', proto: 58, icmp: [128, 1] }), 'drop default-deny hub-from-time');
  });

  test('the basics: DHCP and ND always, DNS only to the configured resolvers', () => {
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.9', proto: 17, sport: 68, dport: 67 }), 'accept basics');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.53', proto: 17, sport: 5353, dport: 53 }), 'accept basics');
    assert.equal(judge({ from: HUB.ipv4, to: '203.0.113.54', proto: 17, sport: 5353, dport: 53 }), 'drop default-deny hub-from-time');
    assert.equal(judge({ from: '203.0.113.9', to: HUB.ipv4, proto: 17, sport: 67, dport: 68 }), 'accept basics');
    assert.equal(judge({ from: HUB.ipv6, to: '2001:db8:3::9', proto: 58, icmp: [135, 0] }), 'accept basics');
    const bare = compileMatcher(testPolicies(), { basics: false });
    const v = newVerdict();
    bare.judge(flow({ from: HUB.ipv4, to: '203.0.113.9', proto: 17, sport: 68, dport: 67 }), CT_NEW, v);
    assert.equal(decided(bare.labels, v), 'drop default-deny hub-from-time');
  });

  test('to-device: dispatch by destination address when the MAC is the router, direction-initiated to-device', () => {
    assert.equal(judge({ from: '203.0.113.10', to: HUB.ipv4, sport: 40000, dport: 80 }), 'accept ace hub-to/broker-web');
    assert.equal(judge({ from: '203.0.113.10', to: HUB.ipv4, sport: 40000, dport: 81 }), 'drop default-deny hub-to');
    assert.equal(judge({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40000 }), 'drop default-deny hub-to');
    assert.equal(judge({ from: '203.0.113.20', to: HUB.ipv4, sport: 40000, dport: 22 }), 'drop ace hub-to/mine-no-ssh');
    // By MAC as well: a capture on the device's link shows its own MAC as the destination.
    assert.equal(
      judge({ from: '203.0.113.10', to: '198.51.100.7', dstMac: HUB.mac, sport: 40000, dport: 80 }),
      'accept ace hub-to/broker-web',
    );
  });

  test('established traffic, other hosts and frames that are not IP are not the device chains’ to judge', () => {
    assert.equal(judge({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40000 }, CT_ESTABLISHED), 'accept established');
    assert.equal(judge({ from: '203.0.113.7', to: '198.51.100.7', sport: 1, dport: 2 }), 'accept not-managed');
    const arp = newFlow();
    arp.ethertype = 0x0806;
    arp.srcMac = 2;
    const v = newVerdict();
    assert.equal(m.judge(arp, CT_NEW, v), true);
    assert.equal(m.labels[v.label]?.kind, 'not-managed');
  });

  test('between two devices both the sender’s from-device and the receiver’s to-device policy must accept', () => {
    const v = newVerdict();
    m.judge(flow({ from: HUB.ipv4, to: SENSOR.ipv4, sport: 40000, dport: 8080 }), CT_NEW, v);
    assert.equal(v.accept, true);
    assert.equal(v.mac, HUB.mac, 'an accept is the sender’s');
    assert.equal(m.labels[v.fromLabel]?.ace, 'peers-tcp');
    assert.equal(m.labels[v.toLabel]?.ace, 'peers-open');
    m.judge(flow({ from: HUB.ipv4, to: SENSOR.ipv4, proto: 17, sport: 40000, dport: 123 }), CT_NEW, v);
    assert.equal(decided(m.labels, v), 'drop default-deny sensor-to');
    assert.equal(v.mac, SENSOR.mac, 'the receiver dropped it');
    assert.equal(m.labels[v.fromLabel]?.ace, 'ntp4');
  });
});

describe('FlowJudge tracks connections as conntrack does', () => {
  const start = () => ({ j: createFlowJudge(testPolicies(), { dnsServers: DNS_SERVERS }), v: newVerdict() });

  test('a handshake the policy allowed: the replies are established', () => {
    const { j, v } = start();
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 443 }), v), true);
    assert.equal(v.ct, CT_NEW);
    assert.equal(j.judge(flow({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40000, flags: SYN | ACK }), v), true);
    assert.equal(decided(j.labels, v), 'accept established');
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 443, flags: ACK }), v), true);
    assert.equal(v.ct, CT_ESTABLISHED);
    assert.equal(j.connections(), 1);
  });

  test('a lone SYN/ACK starts nothing (invalid); a lone ACK picks a connection up (nf_conntrack_tcp_loose)', () => {
    const { j, v } = start();
    assert.equal(j.judge(flow({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40001, flags: SYN | ACK }), v), false);
    assert.equal(v.ct, CT_INVALID);
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: '203.0.113.30', sport: 40002, dport: 443, flags: ACK }), v), true);
    assert.equal(v.ct, CT_NEW);
    assert.equal(j.judge(flow({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40002, flags: ACK }), v), true);
    assert.equal(v.ct, CT_ESTABLISHED);
  });

  test('a dropped packet makes no entry; one accepted by only one base chain neither', () => {
    const { j, v } = start();
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: '203.0.113.99', sport: 40000, dport: 443 }), v), false);
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: SENSOR.ipv4, proto: 17, sport: 999, dport: 123 }), v), false);
    assert.equal(j.connections(), 0);
    assert.equal(j.judge(flow({ from: SENSOR.ipv4, to: HUB.ipv4, proto: 17, sport: 123, dport: 999 }), v), false);
    assert.equal(v.ct, CT_NEW);
  });

  test('UDP before a reply is still new; entries expire after conntrack’s timeouts, in capture time', () => {
    const { j, v } = start();
    const out = { from: HUB.ipv4, to: '203.0.113.5', proto: 17, sport: 40000, dport: 123 };
    const back = { from: '203.0.113.5', to: HUB.ipv4, proto: 17, sport: 123, dport: 40000 };
    assert.equal(j.judge(flow({ ...out, t: 0 }), v), true);
    assert.equal(j.judge(flow({ ...out, t: 1 * SEC }), v), true);
    assert.equal(v.ct, CT_NEW);
    assert.equal(j.judge(flow({ ...back, t: 29 * SEC }), v), true);
    assert.equal(v.ct, CT_ESTABLISHED);
    // Replied: 120 s from the last packet.
    assert.equal(j.judge(flow({ ...back, t: 148 * SEC }), v), true);
    assert.equal(j.judge(flow({ ...back, t: 269 * SEC }), v), false);
    const { j: j2, v: v2 } = start();
    assert.equal(j2.judge(flow({ ...out, t: 0 }), v2), true);
    assert.equal(j2.judge(flow({ ...back, t: 31 * SEC }), v2), false, 'unreplied UDP lasts 30 s');
  });

  test('ICMP echo: the reply with the same identifier and code is established', () => {
    const { j, v } = start();
    const req = flow({ from: HUB.ipv4, to: '192.0.2.25', proto: 1, icmp: [8, 0] });
    req.icmpId = 7;
    assert.equal(j.judge(req, v), true);
    const reply = flow({ from: '192.0.2.25', to: HUB.ipv4, proto: 1, icmp: [0, 0], srcMac: '02:00:00:00:01:19' });
    reply.icmpId = 8;
    j.judge(reply, v);
    assert.equal(v.ct, CT_INVALID, 'another identifier');
    reply.icmpId = 7;
    j.judge(reply, v);
    assert.equal(decided(j.labels, v), 'accept established');
  });

  test('update() replaces the policies and keeps the connections', () => {
    const { j, v } = start();
    j.judge(flow({ from: HUB.ipv4, to: '203.0.113.30', sport: 40000, dport: 443 }), v);
    j.update([]);
    assert.equal(j.judge(flow({ from: '203.0.113.30', to: HUB.ipv4, sport: 443, dport: 40000, flags: SYN | ACK }), v), true);
    assert.equal(decided(j.labels, v), 'accept established');
    assert.equal(j.judge(flow({ from: HUB.ipv4, to: '203.0.113.99', sport: 1, dport: 1 }), v), true);
    assert.equal(decided(j.labels, v), 'accept not-managed');
  });
});

describe('device interfaces: the to_device chain drops new traffic out of them that no device claims', () => {
  const opts = { dnsServers: DNS_SERVERS, deviceInterfaces: ['lan0'] };
  /** Coming from the cloud to `to` on port 80, leaving through a device interface to `linkMac` (or not). */
  const inbound = (to: string, deviceLink: boolean, linkMac = HUB.mac): Flow => {
    const f = flow({ from: to.includes(':') ? '2001:db8:3::a' : '203.0.113.10', to, sport: 40000, dport: 80 });
    f.deviceLink = deviceLink;
    f.linkDstMac = deviceLink ? Number.parseInt(linkMac.replaceAll(':', ''), 16) : -1;
    return f;
  };
  test('an address no device was given: dropped on a device interface, attributed to the device its frame goes to', () => {
    const m = compileMatcher(testPolicies(), opts);
    const v = newVerdict();
    assert.equal(m.judge(inbound('192.0.2.77', true), CT_NEW, v), false);
    assert.equal(decided(m.labels, v), 'drop unknown-address unknown-device-address');
    assert.equal(v.mac, HUB.mac);
    assert.equal(m.labels[v.label]?.direction, 'to-device');
    m.judge(inbound('2001:db8:1::a:1', true, '02:00:00:00:00:99'), CT_NEW, v);
    assert.equal(decided(m.labels, v), 'drop unknown-address unknown-device-address');
    assert.deepEqual([v.device, v.mac], [-1, ''], 'a MAC no device has: no device to name');
    assert.equal(m.judge(inbound('192.0.2.77', true), CT_ESTABLISHED, v), true, 'replies of tracked connections pass');
    assert.equal(m.judge(inbound('192.0.2.77', false), CT_NEW, v), true, 'out another interface: not managed');
    assert.equal(decided(m.labels, v), 'accept not-managed');
  });
  test("a device's known address is judged by its policy; without the option nothing changes", () => {
    const m = compileMatcher(testPolicies(), opts);
    const v = newVerdict();
    assert.equal(m.judge(inbound(HUB.ipv4, true), CT_NEW, v), true);
    assert.equal(decided(m.labels, v), 'accept ace hub-to/broker-web');
    const plain = compileMatcher(testPolicies(), { dnsServers: DNS_SERVERS });
    assert.equal(plain.judge(inbound('192.0.2.77', true), CT_NEW, v), true);
    assert.equal(decided(plain.labels, v), 'accept not-managed');
  });
});
