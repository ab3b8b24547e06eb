/** Recent flows: every new flow a device's chain decided, accepted or dropped, with the rule; bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFlow } from '../../../src/intent/verdict/flow.ts';
import { createFlowHistory } from '../../../src/intent/verdict/flow-history.ts';
import { createFlowJudge } from '../../../src/intent/verdict/judge.ts';
import { newVerdict } from '../../../src/intent/verdict/matcher.ts';
import { DNS_SERVERS, HUB, testPolicies } from './policies.ts';

function sender(max?: number) {
  const judge = createFlowJudge(testPolicies(), { dnsServers: DNS_SERVERS });
  const history = createFlowHistory(max);
  const v = newVerdict();
  const send = (t: number, dst: number, sport: number, dport: number, proto = 6) => {
    const f = newFlow();
    Object.assign(f, {
      timeUs: t,
      srcMac: Number.parseInt(HUB.mac.replaceAll(':', ''), 16),
      dstMac: 0x020000ff01,
      ethertype: 0x0800,
      family: 4,
    });
    f.src[0] = 0xc000020a;
    f.dst[0] = dst;
    Object.assign(f, { protocol: proto, srcPort: sport, dstPort: dport, tcpFlags: 0x02 });
    judge.judge(f, v);
    history.add(f, v, judge.labels);
  };
  return { history, send };
}

test('accepted, basics and dropped flows are kept per shape with the rule that decided and a count', () => {
  const { history, send } = sender();
  send(10, 0xcb00711e, 40000, 443);
  send(20, 0xcb00711e, 40001, 443);
  send(30, 0xcb007163, 40002, 8080);
  send(40, 0xc0000219, 1000, 23);
  send(50, 0xcb007163, 68, 67, 17);
  const seen = history.list().map((s) => [s.peer, s.peerPort, s.localPort, s.accept, s.rule, s.count, s.firstUs, s.lastUs]);
  assert.equal(seen.length, 4, JSON.stringify(seen));
  assert.deepEqual(seen[0]?.slice(0, 4), ['203.0.113.30', 443, 'ephemeral', true]);
  assert.match(String(seen[0]?.[4]), /^hub-from\/.+/, 'the ACL and ACE that accepted it');
  assert.deepEqual(seen[0]?.slice(5), [2, 10, 20]);
  assert.deepEqual(seen[1]?.slice(0, 5), ['203.0.113.99', 8080, 'ephemeral', false, 'default-deny after hub-from-time']);
  assert.deepEqual(seen[2]?.slice(0, 5), ['192.0.2.25', 23, 1000, false, 'hub-from/lan-no-telnet']);
  assert.deepEqual(seen[3]?.slice(3, 5), [true, 'basics']);
  assert.equal(history.overflow(), 0);
});

test('past its bound a history counts new shapes as overflow and still counts the shapes it keeps', () => {
  const { history, send } = sender(2);
  send(10, 0xcb00711e, 40000, 443);
  send(20, 0xcb007163, 40001, 8080);
  send(30, 0xc0000219, 1000, 23);
  send(40, 0xcb00711e, 40002, 443);
  assert.deepEqual(
    history.list().map((s) => [s.peerPort, s.count]),
    [
      [443, 2],
      [8080, 1],
    ],
  );
  assert.equal(history.overflow(), 1);
});
