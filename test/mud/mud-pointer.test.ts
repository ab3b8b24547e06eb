import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at } from '../../src/mud/validate/issues.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';

test('paths are JSON Pointers with RFC 6901 escaping, the same on every call', () => {
  for (let i = 0; i < 2; i++) {
    assert.equal(at('', 'a/b~c'), '/a~1b~0c');
    assert.equal(at('/x', '~/'), '/x/~0~1');
    assert.equal(at('/x', 3), '/x/3');
    assert.equal(at('/x', 'plain'), '/x/plain');
  }
  const { errors } = parseMud(JSON.stringify({ 'ietf-mud:mud': {}, 'odd/~member': 1 }));
  assert.ok(errors.some((e) => e.code === 'ERR_MUD_UNKNOWN_MEMBER' && e.path === '/odd~1~0member'));
});
