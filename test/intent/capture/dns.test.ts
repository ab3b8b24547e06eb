import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePacket } from '../../../src/intent/capture/decode.ts';
import { dnsAnswers, parseDnsResponse } from '../../../src/intent/capture/dns.ts';
import { CaptureError } from '../../../src/intent/capture/errors.ts';
import { concat, dnsName, dnsResponse, ether, ipv4, tcp, udp, v6 } from './build.ts';

const A = 1;
const CNAME = 5;
const AAAA = 28;
const packetOf = (l4: Uint8Array, proto = 17) =>
  decodePacket({
    timeUs: 1,
    wireLength: 0,
    linktype: 1,
    data: ether('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipv4('192.0.2.1', '192.0.2.10', proto, l4)),
  })!;

describe('dnsAnswers', () => {
  const msg = dnsResponse('Api.Example.COM', A, [
    ['api.example.com', CNAME, 300, dnsName('edge.cdn.example.net')],
    ['edge.cdn.example.net', CNAME, 60, dnsName('node7.cdn.example.net')],
    ['node7.cdn.example.net', A, 20, Uint8Array.of(203, 0, 113, 7)],
    ['node7.cdn.example.net', AAAA, 120, v6('2001:db8::7')],
  ]);

  it('reads A, AAAA and CNAME records and attributes addresses through the chain to the asked name', () => {
    const got = dnsAnswers(packetOf(udp(53, 40000, msg)));
    const by = (name: string) => got.filter((a) => a.name === name).map((a) => `${a.type} ${a.value} ${a.ttl}`);
    assert.deepEqual(by('node7.cdn.example.net'), ['A 203.0.113.7 20', 'AAAA 2001:db8::7 120']);
    assert.deepEqual(by('api.example.com'), ['CNAME edge.cdn.example.net 300', 'A 203.0.113.7 20', 'AAAA 2001:db8::7 60']);
    assert.deepEqual(by('edge.cdn.example.net'), ['CNAME node7.cdn.example.net 60', 'A 203.0.113.7 20', 'AAAA 2001:db8::7 60']);
  });

  it('reads a whole DNS message in one TCP segment', () => {
    const framed = concat([Uint8Array.of(msg.length >> 8, msg.length & 0xff), msg]);
    assert.equal(dnsAnswers(packetOf(tcp(53, 40000, 0x18, framed), 6)).length, 8);
  });

  it('ignores queries, other ports and malformed messages', () => {
    const query = msg.slice();
    query[2] = 0x01;
    assert.deepEqual(dnsAnswers(packetOf(udp(53, 40000, query))), []);
    assert.deepEqual(dnsAnswers(packetOf(udp(5353, 40000, msg))), []);
    assert.deepEqual(dnsAnswers(packetOf(udp(53, 40000, msg.subarray(0, msg.length - 3)))), []);
  });

  it('follows compression pointers and stops pointer loops with ERR_CAPTURE_DNS', () => {
    // Question "a.example" at 12; the answer name points at it.
    const head = Uint8Array.of(0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0);
    const q = concat([dnsName('a.example'), Uint8Array.of(0, 1, 0, 1)]);
    const rr = Uint8Array.of(0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 192, 0, 2, 44);
    assert.deepEqual(parseDnsResponse(concat([head, q, rr])), [{ name: 'a.example', type: 'A', ttl: 9, value: '192.0.2.44' }]);
    const loop = concat([head, Uint8Array.of(0xc0, 12), Uint8Array.of(0, 1, 0, 1)]);
    assert.throws(
      () => parseDnsResponse(loop),
      (e: unknown) => e instanceof CaptureError && e.code === 'ERR_CAPTURE_DNS' && /pointers/.test(e.message),
    );
    const badA = concat([head, q, Uint8Array.of(0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 3, 1, 2, 3)]);
    assert.throws(
      () => parseDnsResponse(badA),
      (e: unknown) => e instanceof CaptureError && e.code === 'ERR_CAPTURE_DNS',
    );
  });
});
