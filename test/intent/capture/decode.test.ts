import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv6Text } from '../../../src/intent/capture/addr.ts';
import { decodePacket } from '../../../src/intent/capture/decode.ts';
import { ACK, concat, ether, hexBytes, icmp, ipv4, ipv6, SYN, tcp, udp, v6 } from './build.ts';

const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const frame = (data: Uint8Array, wireLength = data.length) => ({ timeUs: 42, wireLength, linktype: 1, data });

describe('decodePacket', () => {
  it('decodes Ethernet, IPv4 and UDP, and drops Ethernet padding from the payload', () => {
    const data = concat([
      ether(M1, M2, 0x0800, ipv4('192.0.2.10', '198.51.100.7', 17, udp(40001, 53, Uint8Array.of(1, 2, 3)))),
      new Uint8Array(20),
    ]);
    const p = decodePacket(frame(data))!;
    assert.equal(p.timeUs, 42);
    assert.equal(p.dstMac, M1);
    assert.equal(p.srcMac, M2);
    assert.equal(p.ethertype, 0x0800);
    assert.equal(p.ip?.family, 4);
    assert.equal(p.ip?.src, '192.0.2.10');
    assert.equal(p.ip?.dst, '198.51.100.7');
    assert.equal(p.ip?.protocol, 17);
    assert.equal(p.ip?.srcPort, 40001);
    assert.equal(p.ip?.dstPort, 53);
    assert.deepEqual(p.ip?.payload, Uint8Array.of(1, 2, 3));
    assert.equal(p.linkPayload, undefined);
  });

  it('reads through 802.1ad and 802.1Q tags and IPv4 options to TCP flags and data', () => {
    const seg = tcp(443, 50000, SYN | ACK, Uint8Array.of(9, 9), 3);
    const ip = ipv4('203.0.113.5', '192.0.2.10', 6, seg, { options: Uint8Array.of(1, 1, 1, 0) });
    const p = decodePacket(
      frame(
        ether(M1, M2, 0x0800, ip, [
          [0x88a8, 100],
          [0x8100, 200],
        ]),
      ),
    )!;
    assert.equal(p.ethertype, 0x0800);
    assert.equal(p.ip?.srcPort, 443);
    assert.equal(p.ip?.dstPort, 50000);
    assert.equal(p.ip?.tcpFlags, SYN | ACK);
    assert.deepEqual(p.ip?.payload, Uint8Array.of(9, 9));
  });

  it('flags later IPv4 fragments and gives them no ports; the first fragment keeps them', () => {
    const later = decodePacket(frame(ether(M1, M2, 0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, new Uint8Array(16), { fragOffset: 185 }))))!;
    assert.equal(later.ip?.laterFragment, true);
    assert.equal(later.ip?.srcPort, undefined);
    const first = decodePacket(
      frame(ether(M1, M2, 0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, udp(1, 2, new Uint8Array(8)), { mf: true }))),
    )!;
    assert.equal(first.ip?.laterFragment, false);
    assert.equal(first.ip?.dstPort, 2);
  });

  it('walks IPv6 extension headers (hop-by-hop, routing, destination options, fragment) to UDP', () => {
    const hop = Uint8Array.of(43, 0, 0, 0, 0, 0, 0, 0);
    const routing = Uint8Array.of(60, 1, 0, 0, 0, 0, 0, 0, ...new Uint8Array(8));
    const dst = Uint8Array.of(44, 0, 0, 0, 0, 0, 0, 0);
    const frag = Uint8Array.of(17, 0, 0, 1, 0, 0, 0, 7);
    const ip = ipv6('2001:db8::1', '2001:db8:0:1::2', 0, concat([hop, routing, dst, frag, udp(546, 547, Uint8Array.of(5))]));
    const p = decodePacket(frame(ether(M1, M2, 0x86dd, ip)))!;
    assert.equal(p.ip?.family, 6);
    assert.equal(p.ip?.src, '2001:db8::1');
    assert.equal(p.ip?.dst, '2001:db8:0:1::2');
    assert.equal(p.ip?.protocol, 17);
    assert.equal(p.ip?.laterFragment, false);
    assert.equal(p.ip?.srcPort, 546);
    assert.deepEqual(p.ip?.payload, Uint8Array.of(5));
    const laterFrag = Uint8Array.of(17, 0, 0x05, 0x00, 0, 0, 0, 7);
    const q = decodePacket(frame(ether(M1, M2, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 44, concat([laterFrag, new Uint8Array(16)])))))!;
    assert.equal(q.ip?.laterFragment, true);
    assert.equal(q.ip?.srcPort, undefined);
  });

  it('reads ICMP and ICMPv6 type and code', () => {
    const p4 = decodePacket(frame(ether(M1, M2, 0x0800, ipv4('192.0.2.1', '192.0.2.2', 1, icmp(3, 3)))))!;
    assert.deepEqual([p4.ip?.icmpType, p4.ip?.icmpCode], [3, 3]);
    const p6 = decodePacket(frame(ether(M1, M2, 0x86dd, ipv6('fe80::1', 'ff02::1', 58, icmp(134, 0)))))!;
    assert.deepEqual([p6.ip?.icmpType, p6.ip?.icmpCode], [134, 0]);
    assert.equal(p6.ip?.dst, 'ff02::1');
  });

  it('keeps the link payload of non-IP frames', () => {
    const p = decodePacket(frame(ether(M1, M2, 0x88cc, Uint8Array.of(2, 7, 4))))!;
    assert.equal(p.ip, undefined);
    assert.equal(p.ethertype, 0x88cc);
    assert.deepEqual(p.linkPayload, Uint8Array.of(2, 7, 4));
  });

  it('gives undefined for frames cut inside a header', () => {
    const full = ether(M1, M2, 0x0800, ipv4('192.0.2.1', '192.0.2.2', 6, tcp(1, 2, SYN)));
    for (const len of [0, 13, 14 + 19, 14 + 20 + 19]) assert.equal(decodePacket(frame(full.subarray(0, len))), undefined, `length ${len}`);
    assert.ok(decodePacket(frame(full)));
    const badVersion = full.slice();
    badVersion[14] = 0x65;
    assert.equal(decodePacket(frame(badVersion)), undefined);
  });
});

describe('RFC 5952 text', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0db8:0001:0001:0001:0001:0000:0001', '2001:db8:1:1:1:1:0:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
  ];
  for (const [full, text] of cases) {
    it(`${full} is ${text}`, () => {
      assert.equal(ipv6Text(hexBytes(full), 0), text);
      assert.deepEqual(v6(text.includes('.') ? '::ffff:c000:201' : text), hexBytes(full));
    });
  }
});
