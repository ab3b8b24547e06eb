/**
 * Strict reading reads a file as it is first and runs the pre-RFC walk only when that reading
 * reports something (parse-mud.ts). These cases check that the result is the one the walk-first
 * reading gives: with maxDepth below READ_DEPTH_MAX, parseMud always walks first.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MudInputError } from '../../src/mud/validate/errors.ts';
import { checkDepth, READ_DEPTH_MAX } from '../../src/mud/validate/limits.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

// biome-ignore lint/suspicious/noExplicitAny: the fixtures are JSON documents edited freely by each case
type Json = Record<string, any>;

function base(): Json {
  return {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': 'https://lamp.example.org/mud/l1.json',
      'last-update': '2026-11-30T10:00:00+00:00',
      'is-supported': true,
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'fr' }] } },
    },
    'ietf-access-control-list:acls': {
      acl: [
        {
          name: 'fr',
          type: 'ipv4-acl-type',
          aces: {
            ace: [
              {
                name: 'cloud',
                matches: {
                  ipv4: { 'ietf-acldns:dst-dnsname': 'api.lamp.example.org', protocol: 6 },
                  tcp: { 'ietf-mud:direction-initiated': 'from-device', 'destination-port': { operator: 'eq', port: 443 } },
                },
                actions: { forwarding: 'accept' },
              },
            ],
          },
        },
      ],
    },
  };
}

const ace = (j: Json): Json => j['ietf-access-control-list:acls'].acl[0].aces.ace[0];
const nested = (n: number): unknown => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);

function outcome(text: string, limits: { maxDepth?: number } = {}, lenient = false): unknown {
  try {
    return parseMud(text, { lenient, limits });
  } catch (e) {
    if (e instanceof MudInputError) return e.code;
    throw e;
  }
}

/** The result of the reading as it is, and the same of the walk-first reading (maxDepth 11). */
function bothWays(j: Json): [unknown, unknown] {
  const text = JSON.stringify(j);
  return [outcome(text), outcome(text, { maxDepth: READ_DEPTH_MAX - 1 })];
}

test('a clean file is read the same either way', () => {
  const [fast, walked] = bothWays(base());
  assert.deepEqual(fast, walked);
  assert.deepEqual((fast as { errors: unknown[] }).errors, []);
});

test('each pre-RFC shape gives the same errors and warnings either way', () => {
  const cases: [string, (j: Json) => void][] = [
    ['prefixed member', (j) => Object.assign(ace(j).matches.ipv4, { 'acldns:src-dnsname': 'x.example.org' })],
    ['hex ethertype', (j) => Object.assign(ace(j).matches, { eth: { ethertype: '0x0800' } })],
    [
      'port operator range',
      (j) => Object.assign(ace(j).matches.tcp, { 'source-port': { operator: 'range', 'lower-port': 1, 'upper-port': 2 } }),
    ],
    ['old ACL type', (j) => Object.assign(j['ietf-access-control-list:acls'].acl[0], { type: 'ethernet-acl-type' })],
    [
      'old acls member',
      (j) => {
        j['ietf-access-control-list:access-lists'] = j['ietf-access-control-list:acls'];
        delete j['ietf-access-control-list:acls'];
      },
    ],
    [
      'shape beside another error',
      (j) => {
        j['ietf-mud:mud']['cache-validity'] = 0;
        ace(j).matches.tcp['destination-port'] = { operator: 'range', 'lower-port': 1, 'upper-port': 2 };
      },
    ],
    ['another error only', (j) => Object.assign(ace(j).actions, { forwarding: 'allow' })],
    ['a warning only', (j) => Object.assign(j['ietf-mud:mud'], { 'example-x:note': { a: 1 } })],
  ];
  for (const [name, edit] of cases) {
    const j = base();
    edit(j);
    const [fast, walked] = bothWays(j);
    assert.deepEqual(fast, walked, name);
    const issues = fast as { errors: unknown[]; warnings: unknown[] };
    assert.ok(issues.errors.length + issues.warnings.length > 0, name);
  }
});

test('a prefixed member that a reader of other modules accepts is still a pre-RFC shape', () => {
  // The quarantine policy is read under any module's name, so the reading alone reports nothing.
  const j = base();
  j['ietf-mud:mud']['mud:quaranteed-device-policy'] = { 'access-lists': { 'access-list': [{ name: 'fr' }] } };
  const text = JSON.stringify(j);
  const strict = parseMud(text);
  assert.deepEqual(
    strict.errors.map((e) => [e.code, e.path]),
    [['ERR_MUD_PRE_RFC_SHAPE', '/ietf-mud:mud/mud:quaranteed-device-policy']],
  );
  const lenient = parseMud(text, { lenient: true });
  assert.deepEqual(lenient.errors, []);
  assert.equal(lenient.mud?.mud.quarantine?.member, 'ietf-mud:quaranteed-device-policy');
});

test('a value nested too deep where the readers do not look is still ERR_MUD_TOO_DEEP', () => {
  const places: [string, (j: Json, v: unknown) => void][] = [
    ['unknown extension member', (j, v) => Object.assign(j['ietf-mud:mud'], { 'example-x:deep': v })],
    [
      'member not modelled',
      (j, v) => {
        j['ietf-mud:mud'].extensions = ['ietf-mud-transparency'];
        j['ietf-mud:mud']['ietf-mud-transparency:transparency'] = { 'sbom-archive-list': 'https://lamp.example.org/sbom', deep: v };
      },
    ],
    ['unknown member', (j, v) => Object.assign(ace(j).matches.ipv4, { deep: v })],
  ];
  for (const [name, place] of places) {
    const j = base();
    place(j, nested(40));
    assert.equal(outcome(JSON.stringify(j)), 'ERR_MUD_TOO_DEEP', name);
  }
});

test('READ_DEPTH_MAX is the nesting of the deepest file read without an issue', () => {
  const j = base();
  j['ietf-mud:mud'].extensions = ['ietf-mud-tls'];
  ace(j).matches['ietf-acl-tls:client-profiles'] = { 'tls-dtls-profile': [{ name: 'p', 'cipher-suite': [4865] }] };
  const text = JSON.stringify(j);
  const clean = parseMud(text, { limits: { maxDepth: READ_DEPTH_MAX } });
  assert.deepEqual([clean.errors, clean.warnings], [[], []]);
  checkDepth(JSON.parse(text), READ_DEPTH_MAX);
  assert.equal(outcome(text, { maxDepth: READ_DEPTH_MAX - 1 }), 'ERR_MUD_TOO_DEEP');
});

const root = vectorPath('mud');
test('every vector file shallow enough for the walk-first reading is read the same either way', (t) => {
  if (root === undefined) return t.skip(vectorsMissing('mud'));
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  let compared = 0;
  for (const f of files) {
    const text: string = readFileSync(join(root, f), 'utf8');
    const walked = outcome(text, { maxDepth: READ_DEPTH_MAX - 1 });
    if (walked === 'ERR_MUD_TOO_DEEP') continue;
    assert.deepEqual(outcome(text), walked, f);
    compared++;
  }
  assert.ok(compared > 20, `${compared} files compared`);
});
