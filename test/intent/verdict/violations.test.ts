/** Violations: drops aggregated per device, direction and flow, with the ACL fallen through. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFlow } from '../../../src/intent/verdict/flow.ts';
import { createFlowJudge } from '../../../src/intent/verdict/judge.ts';
import { newVerdict } from '../../../src/intent/verdict/matcher.ts';
import { createViolationLog } from '../../../src/intent/verdict/violations.ts';
import { DNS_SERVERS, HUB, testPolicies } from './policies.ts';

test('drops are counted per flow, ephemeral local ports collapsed; accepts and basics are not violations', () => {
  const judge = createFlowJudge(testPolicies(), { dnsServers: DNS_SERVERS });
  const log = createViolationLog();
  const v = newVerdict();
  const send = (t: number, dst: number, sport: number, dport: number, proto = 6, mac = HUB.mac, src = 0xc000020a) => {
    const f = newFlow();
    Object.assign(f, {
      timeUs: t,
      srcMac: Number.parseInt(mac.replaceAll(':', ''), 16),
      dstMac: 0x020000ff01,
      ethertype: 0x0800,
      family: 4,
    });
    f.src[0] = src;
    f.dst[0] = dst;
    Object.assign(f, { protocol: proto, srcPort: sport, dstPort: dport, tcpFlags: 0x02 });
    judge.judge(f, v);
    return log.add(f, v, judge.labels);
  };
  assert.equal(send(10, 0xcb007163, 40001, 8080), true);
  assert.equal(send(20, 0xcb007163, 50123, 8080), true);
  assert.equal(send(30, 0xcb007163, 1000, 8080), true);
  assert.equal(send(40, 0xc0000219, 1000, 23), true, 'an explicit drop ACE');
  assert.equal(send(50, 0xcb00711e, 40000, 443), false, 'accepted');
  assert.equal(send(60, 0xcb007163, 68, 67, 17), false, 'basics');
  const list = log.list();
  assert.equal(list.length, 3);
  assert.deepEqual(list[0], {
    mac: HUB.mac,
    direction: 'from-device',
    family: 4,
    protocol: 6,
    peer: '203.0.113.99',
    peerPort: 8080,
    localPort: 'ephemeral',
    decision: 'default-deny',
    acl: 'hub-from-time',
    firstUs: 10,
    lastUs: 20,
    count: 2,
  });
  assert.equal(list[1]?.localPort, 1000);
  assert.deepEqual([list[2]?.decision, list[2]?.acl, list[2]?.ace, list[2]?.peer], ['ace', 'hub-from', 'lan-no-telnet', '192.0.2.25']);
});
