/** The engine's own tables: the 48-bit key table, the peer index, and the conntrack size limit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrefix } from '../../../src/intent/ip.ts';
import { createConntrack } from '../../../src/intent/verdict/conntrack.ts';
import { newFlow } from '../../../src/intent/verdict/flow.ts';
import { createMacTable } from '../../../src/intent/verdict/mac-table.ts';
import { buildPeerIndex, candidates } from '../../../src/intent/verdict/peer-index.ts';
import { addressRanges, emptyRule } from '../../../src/intent/verdict/rule.ts';

test('the 48-bit key table keeps every key through growth, keys equal in their low 32 bits included', () => {
  const t = createMacTable<number>();
  const keys: number[] = [];
  for (let i = 0; i < 5000; i++) keys.push(0x020000000000 + i * 0x100000001, i * 0x100000000 + 0x1000007);
  keys.forEach((k, i) => {
    t.set(k, i);
  });
  keys.forEach((k, i) => {
    assert.equal(t.get(k), i, `key ${k}`);
  });
  assert.equal(t.get(0x0300000000ff), undefined);
  assert.equal(t.get(-1), undefined);
  t.set(keys[0] as number, -5);
  assert.equal(t.get(keys[0] as number), -5);
});

test('the peer index lists, for every stretch of addresses, the rules that can match there, in order', () => {
  const prefix = (text: string) => ({ family: 4 as const, text });
  const rule = (label: number, peers?: string[]) => {
    const r = emptyRule(label, true);
    r.protocol = 6;
    if (peers !== undefined) r.dst = [addressRanges(peers.map(prefix), 4)];
    return r;
  };
  const rules = [
    rule(10, ['192.0.2.0/24']),
    rule(11),
    rule(12, ['192.0.2.128/25', '203.0.113.7/32']),
    rule(13, ['0.0.0.0/0']),
    rule(14, ['255.255.255.255/32']),
  ];
  const udp = emptyRule(15, true);
  udp.protocol = 17;
  const ix = buildPeerIndex([...rules, udp], 4, 6, 'dst');
  const labels = (a: number) => candidates(ix, Uint32Array.of(a, 0, 0, 0)).map((r) => r.label);
  assert.deepEqual(labels(0xc0000201), [10, 11, 13]);
  assert.deepEqual(labels(0xc0000280), [10, 11, 12, 13]);
  assert.deepEqual(labels(0xc0000300), [11, 13]);
  assert.deepEqual(labels(0xcb007107), [11, 12, 13]);
  assert.deepEqual(labels(0), [11, 13]);
  assert.deepEqual(labels(0xffffffff), [11, 13, 14]);
});

test('a full conntrack table sweeps expired entries, then stops tracking new ones', () => {
  const ct = createConntrack({ maxEntries: 2 });
  const udp = (sport: number, t: number) => {
    const f = newFlow();
    Object.assign(f, { timeUs: t, family: 4, protocol: 17, srcPort: sport, dstPort: 53 });
    f.src[0] = 0xc000020a;
    f.dst[0] = 0xcb007135;
    return f;
  };
  for (const p of [1, 2]) {
    ct.state(udp(p, 0));
    ct.accepted(udp(p, 0));
  }
  ct.state(udp(3, 1));
  ct.accepted(udp(3, 1));
  assert.equal(ct.size(), 2, 'full: the third is not tracked');
  ct.state(udp(4, 31_000_001));
  ct.accepted(udp(4, 31_000_001));
  assert.equal(ct.size(), 1, 'the expired two were swept and the new one tracked');
});

test('address ranges: one prefix, the same prefix twice, overlapping and adjacent ones merged, the other family left out', () => {
  const p = (t: string) => {
    const x = parsePrefix(t);
    assert.ok(x !== undefined);
    return x;
  };
  const v4 = (ts: string[]) => [...addressRanges(ts.map(p), 4).ranges];
  assert.deepEqual(v4(['192.0.2.7']), [0xc0000207, 0xc0000207]);
  assert.deepEqual(v4(['192.0.2.0/24', '2001:db8::1', '192.0.2.0/24']), [0xc0000200, 0xc00002ff]);
  assert.deepEqual(v4(['192.0.2.128/25', '192.0.2.0/25', '198.51.100.1']), [0xc0000200, 0xc00002ff, 0xc6336401, 0xc6336401]);
  assert.deepEqual(v4(['2001:db8::1']), []);
  assert.deepEqual(
    [...addressRanges([p('2001:db8::/32'), p('192.0.2.1')], 6).ranges],
    [0x20010db8, 0, 0, 0, 0x20010db8, 0xffffffff, 0xffffffff, 0xffffffff],
  );
  assert.equal(addressRanges([p('2001:db8::1'), p('2001:db8::2'), p('2001:db8::1')], 6).ranges.length, 16);
});
