import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Prefix, parsePrefix } from '../../src/intent/ip.ts';

/** A slow, obviously right reading (node:net's validation, BigInt arithmetic) to check the fast one against. */
function reference(value: string): Prefix | undefined {
  const [addr = '', len, extra] = value.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = isIPv4(addr) ? 4 : isIPv6(addr) && !addr.includes('%') ? 6 : undefined;
  if (family === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const length = len === undefined ? bits : Number(len);
  if (length > bits) return undefined;
  let n = 0n;
  if (family === 4) for (const o of addr.split('.')) n = (n << 8n) | BigInt(Number(o));
  else {
    let s = addr;
    const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
    if (dotted !== undefined) {
      const q = dotted.split('.').map(Number) as [number, number, number, number];
      s = `${s.slice(0, -dotted.length)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
    }
    const [head = '', tail] = s.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  const net = n & (((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n));
  const words = family === 4 ? [24n, 16n, 8n, 0n] : [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n];
  const text = words
    .map((s) => ((net >> s) & (family === 4 ? 0xffn : 0xffffn)).toString(family === 4 ? 10 : 16))
    .join(family === 4 ? '.' : ':');
  return { family, text: `${text}/${length}` };
}

/** Deterministic pseudo-random texts near the grammar: valid addresses, and ones broken in one place. */
function* texts(count: number): Generator<string> {
  let s = 7;
  const r = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  const pieces = ['0', '1', '00', '01', '255', '256', '2001', 'db8', 'DB8', 'ffff', '12345', 'g', '', '1.2.3.4', '192.0.2.01'];
  for (let i = 0; i < count; i++) {
    const v6 = r(2) === 0;
    const n = v6 ? 1 + r(9) : 1 + r(5);
    const parts = Array.from({ length: n }, () =>
      r(4) === 0 ? (pieces[r(pieces.length)] as string) : v6 ? r(65536).toString(16) : String(r(260)),
    );
    let t = parts.join(v6 ? ':' : '.');
    if (v6 && r(2) === 0) {
      const at = r(t.length + 1);
      t = `${t.slice(0, at)}::${t.slice(at)}`.replace(/^:(?!:)/, r(3) === 0 ? ':' : '').replace(/(?<!:):$/, r(3) === 0 ? ':' : '');
    }
    if (r(2) === 0) t += `/${r(5) === 0 ? (pieces[r(pieces.length)] as string) : String(r(v6 ? 131 : 35))}`;
    yield t;
  }
}

describe('parsePrefix', () => {
  test('pinned readings of valid and invalid texts', () => {
    const cases = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'prefixes.json'), 'utf8')) as [string, Prefix | null][];
    assert.ok(cases.length > 50);
    for (const [text, want] of cases) assert.deepEqual(parsePrefix(text) ?? null, want, JSON.stringify(text));
  });

  test('reads 50,000 generated texts exactly as the reference does', () => {
    let valid = 0;
    for (const t of texts(50_000)) {
      const want = reference(t);
      if (want !== undefined) valid++;
      assert.deepEqual(parsePrefix(t), want, JSON.stringify(t));
    }
    // Both valid and invalid texts are exercised.
    assert.ok(valid > 5_000 && valid < 45_000, `valid ${valid}`);
  });

  test('a repeated text gives the same frozen result, which cannot be changed', () => {
    const a = parsePrefix('198.51.100.7/24');
    assert.equal(parsePrefix('198.51.100.7/24'), a);
    assert.ok(Object.isFrozen(a));
    assert.deepEqual(a, { family: 4, text: '198.51.100.0/24' });
  });
});
