/**
 * inet:domain-name is checked label by label (src/mud/validate/domain-name.ts): it must accept
 * exactly what RFC 6991 §4's pattern and length accept. The pattern is the reference here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDomainName } from '../../src/mud/validate/yang-types.ts';
import { Prng } from '../helpers/random.ts';

// RFC 6991 §4, typedef domain-name: the pattern, anchored as YANG patterns are, and length 1..253.
const PATTERN =
  /^(?:(?:(?:[a-zA-Z0-9_](?:[a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.)*(?:[a-zA-Z0-9_](?:[a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.?|\.)$/;
const reference = (s: string): boolean => s.length >= 1 && s.length <= 253 && PATTERN.test(s);

test('inet:domain-name: known answers', () => {
  for (const s of ['a', 'a.', '.', 'svc0.cloud.bench.example', '_dmarc.example', 'x-1.example.', `${'a'.repeat(63)}.b`, '9', 'a_b.c'])
    assert.equal(isDomainName(s), true, s);
  for (const s of ['', '..', 'a..b', '.a', '-a', 'a-', '_', 'a_', `${'a'.repeat(64)}.b`, 'é.example', 'a b', 'a.-b', `${'a.'.repeat(127)}`])
    assert.equal(isDomainName(s), reference(s), s);
  assert.equal(isDomainName(`${'a.'.repeat(126)}a`), reference(`${'a.'.repeat(126)}a`));
});

test('inet:domain-name: the same answer as the RFC 6991 pattern on generated names', () => {
  const prng = new Prng(6991);
  const alphabet = ['a', 'Z', '0', '9', '-', '_', '.', '.', ' ', 'é', '~'];
  for (let n = 0; n < 20000; n++) {
    let s = '';
    const length = prng.below(12);
    for (let i = 0; i < length; i++) s += alphabet[prng.below(alphabet.length)];
    assert.equal(isDomainName(s), reference(s), JSON.stringify(s));
  }
  // Labels and names around their length limits.
  for (const label of [61, 62, 63, 64])
    for (const edge of ['a', '_', '-'])
      for (const s of [`${edge}${'b'.repeat(label - 2)}c`, `x.${'b'.repeat(label)}`, `${'b'.repeat(label)}.`])
        assert.equal(isDomainName(s), reference(s), s);
  for (const total of [251, 252, 253, 254, 255]) {
    const s = `${'abcdefgh.'.repeat(Math.floor(total / 9))}${'z'.repeat(total % 9 || 1)}`.slice(0, total);
    assert.equal(isDomainName(s), reference(s), `length ${s.length}`);
    assert.equal(isDomainName(`${s}.`.slice(-total)), reference(`${s}.`.slice(-total)));
  }
});
