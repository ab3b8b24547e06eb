import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Prefix, parsePrefix } from '../../src/intent/ip.ts';
import { canonicalElements, SHARED_SET, sharedSet } from '../../src/intent/nft-sets.ts';

const prefixes = (...texts: string[]): Prefix[] => texts.map((t) => parsePrefix(t) as Prefix);

describe('canonicalElements', () => {
  test('a prefix inside another is left out; the rest in address order, hosts without their length', () => {
    assert.deepEqual(canonicalElements(prefixes('198.51.100.7', '192.0.2.5', '192.0.2.0/24', '192.0.2.0/25', '2001:db8::1'), 4), [
      '192.0.2.0/24',
      '198.51.100.7',
    ]);
    assert.deepEqual(canonicalElements(prefixes('2001:db8:1::/48', '2001:db8:1:2::9', '2001:db8::1', '192.0.2.1'), 6), [
      '2001:db8:0:0:0:0:0:1',
      '2001:db8:1:0:0:0:0:0/48',
    ]);
  });
  test('neighbours and equal prefixes: both kept, one kept', () => {
    assert.deepEqual(canonicalElements(prefixes('192.0.2.128/25', '192.0.2.0/25', '192.0.2.0/25'), 4), ['192.0.2.0/25', '192.0.2.128/25']);
    assert.deepEqual(canonicalElements(prefixes('0.0.0.0/0', '192.0.2.1'), 4), ['0.0.0.0/0']);
    assert.deepEqual(canonicalElements(prefixes('::/0', '2001:db8::1'), 6), ['0:0:0:0:0:0:0:0/0']);
  });
});

describe('sharedSet', () => {
  test('the same addresses in any order and form give the same name; other addresses or family another', () => {
    const a = sharedSet(prefixes('192.0.2.1', '198.51.100.0/24'), 4);
    const b = sharedSet(prefixes('198.51.100.0/24', '192.0.2.1/32', '198.51.100.9'), 4);
    assert.match(a.name, SHARED_SET);
    assert.equal(a.name, b.name);
    assert.deepEqual(a.elements, b.elements);
    assert.notEqual(sharedSet(prefixes('192.0.2.2', '198.51.100.0/24'), 4).name, a.name);
    const v6 = sharedSet(prefixes('2001:db8::1'), 6);
    assert.equal(v6.family, 6);
    assert.notEqual(v6.name, a.name);
  });
  test('a name fits an ifname key of the refs set (at most 15 characters)', () => {
    assert.ok(sharedSet(prefixes('203.0.113.9'), 4).name.length <= 15);
  });
});
