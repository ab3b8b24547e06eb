/** Addresses as numbers for the verdict engine, and their text for reports. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { macNumber, parseV4, parseV6, v4Range, v6Range } from '../../../src/intent/verdict/addr.ts';
import { addressText } from '../../../src/intent/verdict/flow.ts';

test('IPv4 text to a uint32, refusing what is not a dotted quad', () => {
  assert.equal(parseV4('192.0.2.1'), 0xc0000201);
  assert.equal(parseV4('255.255.255.255'), 0xffffffff);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ']) assert.equal(parseV4(bad), undefined, bad);
});

test('IPv6 text to four words, with :: and a dotted tail', () => {
  const w = (t: string) => {
    const out = new Uint32Array(4);
    return parseV6(t, out) ? [...out].map((x) => x.toString(16)) : undefined;
  };
  assert.deepEqual(w('2001:db8::1'), ['20010db8', '0', '0', '1']);
  assert.deepEqual(w('::'), ['0', '0', '0', '0']);
  assert.deepEqual(w('::1'), ['0', '0', '0', '1']);
  assert.deepEqual(w('2001:db8:1:2:3:4:5:6'), ['20010db8', '10002', '30004', '50006']);
  assert.deepEqual(w('::ffff:192.0.2.1'), ['0', '0', 'ffff', 'c0000201']);
  assert.deepEqual(w('64:ff9b::192.0.2.1'), ['64ff9b', '0', '0', 'c0000201']);
  for (const bad of ['', '1::2::3', '2001:db8', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '::1.2.3']) assert.equal(w(bad), undefined, bad);
});

test('prefixes become inclusive ranges; addresses print as RFC 5952 text', () => {
  assert.deepEqual(v4Range('192.0.2.0/24'), [0xc0000200, 0xc00002ff]);
  assert.deepEqual(v4Range('0.0.0.0/0'), [0, 0xffffffff]);
  assert.deepEqual([...(v6Range('2001:db8:0:0:0:0:0:0/33') ?? [])], [0x20010db8, 0, 0, 0, 0x20010db8, 0x7fffffff, 0xffffffff, 0xffffffff]);
  assert.equal(addressText(6, Uint32Array.of(0x20010db8, 0, 0, 1)), '2001:db8::1');
  assert.equal(addressText(6, Uint32Array.of(0x20010db8, 0, 1, 0)), '2001:db8::1:0:0');
  assert.equal(addressText(6, Uint32Array.of(0x20010db8, 0x10000, 0x10000, 1)), '2001:db8:1:0:1::1');
  assert.equal(addressText(6, Uint32Array.of(0x20010db8, 0x00001, 0x10001, 0x10001)), '2001:db8:0:1:1:1:1:1');
  assert.equal(addressText(4, Uint32Array.of(0xcb007105)), '203.0.113.5');
});

test('MACs as 48-bit numbers', () => {
  assert.equal(macNumber('02:00:00:00:00:0a'), 0x02000000000a);
  assert.equal(macNumber('FF:ff:ff:ff:ff:ff'), 0xffffffffffff);
  for (const bad of ['02:00:00:00:00', '02-00-00-00-00-0a', '02:00:00:00:00:0g']) assert.equal(macNumber(bad), -1, bad);
});
