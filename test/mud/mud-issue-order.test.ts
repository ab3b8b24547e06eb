/**
 * Paths are joined only when an issue is reported (src/mud/validate/path.ts), and the first walk
 * renames prefixed members in the same pass that walks them: neither may change what is reported,
 * nor in which order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { at, child, pointer } from '../../src/mud/validate/path.ts';

test('a location joined late is the JSON Pointer joined at once', () => {
  const steps = child(child(child('/a~1b', 'acl'), 3), 'x/y~z');
  assert.equal(pointer(steps), at(at(at('/a~1b', 'acl'), 3), 'x/y~z'));
  assert.equal(pointer(steps), '/a~1b/acl/3/x~1y~0z');
  assert.equal(pointer('/plain'), '/plain');
  assert.equal(pointer(child('', '')), '/');
});

test('prefixed members are reported before what lies under the members before them', () => {
  const file = { x: { 'mud:y': 1, 'acl:z': 2 }, 'mud:w': { 'acldns:v': 3 }, 'mudtx:u': 4 };
  for (const lenient of [false, true]) {
    const r = parseMud(JSON.stringify(file), { lenient });
    const shape = (lenient ? r.warnings : r.errors).filter((e) => e.code === (lenient ? 'WARN_MUD_NORMALISED' : 'ERR_MUD_PRE_RFC_SHAPE'));
    assert.deepEqual(
      shape.map((e) => e.path),
      ['/mud:w', '/mudtx:u', '/x/mud:y', '/x/acl:z', '/mud:w/acldns:v'],
    );
  }
});

test('the old shapes of an object are reported after its renames and before its members', () => {
  const port = { 'mud:n': 1, operator: 'range', 'lower-port': 1, 'upper-port': 2, 'acl:m': { 'mud:k': 1 } };
  const file = {
    'ietf-access-control-list:acls': { acl: [{ name: 'a', aces: { ace: [{ name: 'e', matches: { tcp: { 'source-port': port } } }] } }] },
  };
  const r = parseMud(JSON.stringify(file));
  const base = '/ietf-access-control-list:acls/acl/0/aces/ace/0/matches/tcp/source-port';
  assert.deepEqual(
    r.errors.filter((e) => e.code === 'ERR_MUD_PRE_RFC_SHAPE').map((e) => e.path),
    [`${base}/mud:n`, `${base}/acl:m`, `${base}/operator`, `${base}/acl:m/mud:k`],
  );
});

test('a prefixed member beside its module-named twin is reported by the reader, not renamed', () => {
  const r = parseMud(JSON.stringify({ 'ietf-mud:mud': {}, 'mud:mud': {} }));
  assert.ok(!r.errors.some((e) => e.code === 'ERR_MUD_PRE_RFC_SHAPE'));
  assert.ok(r.errors.some((e) => e.code === 'ERR_MUD_UNKNOWN_MEMBER' && e.path === '/mud:mud'));
});
