/**
 * Lenient reading of what real MUD tools write (docs/mud.md, "Lenient mode"): each shape is
 * accepted in lenient mode with its warning code at the changed value's path, and refused in
 * strict mode; the ambiguous variants are refused in both modes. The shared MUD vectors read as
 * before: none of them uses these shapes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type MudParseResult, validateMud } from '../../src/mud/validate/parse-mud.ts';
import { runCli } from '../helpers/cli.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

// biome-ignore lint/suspicious/noExplicitAny: the fixtures are JSON documents edited freely by each case
type Json = Record<string, any>;

const ACLS = 'ietf-access-control-list:acls';
const ACE0 = `/${ACLS}/acl/0/aces/ace/0`;
const ACE1 = `/${ACLS}/acl/1/aces/ace/0`;

/** A valid file: an IPv4 ACL to a cloud address, an IPv6 ACL to one, and a same-manufacturer ACE. */
function base(): Json {
  return {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': 'https://cam.example.org/mud/c1.json',
      'last-update': '2026-11-30T10:00:00+00:00',
      'is-supported': true,
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'v4' }, { name: 'v6' }] } },
    },
    [ACLS]: {
      acl: [
        {
          name: 'v4',
          type: 'ipv4-acl-type',
          aces: {
            ace: [
              {
                name: 'cloud4',
                matches: { ipv4: { 'destination-ipv4-network': '192.0.2.10/32', protocol: 6 } },
                actions: { forwarding: 'accept' },
              },
              {
                name: 'mfg',
                matches: { 'ietf-mud:mud': { 'same-manufacturer': [null] } },
                actions: { forwarding: 'accept' },
              },
            ],
          },
        },
        {
          name: 'v6',
          type: 'ipv6-acl-type',
          aces: {
            ace: [
              {
                name: 'cloud6',
                matches: { ipv6: { 'source-ipv6-network': '2001:db8::10/128', protocol: 17 } },
                actions: { forwarding: 'accept' },
              },
            ],
          },
        },
      ],
    },
  };
}

const acl = (j: Json, i: number): Json => j[ACLS].acl[i];
const ace = (j: Json, a: number, e: number): Json => acl(j, a).aces.ace[e];

interface Case {
  name: string;
  edit: (j: Json) => void;
  code: string;
  path: string;
  /** What the lenient model holds afterwards. */
  check: (r: MudParseResult) => void;
}

const accepted: Case[] = [
  {
    name: 'a bare IPv4 address is the /32 host route',
    edit: (j) => {
      ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '192.0.2.10';
    },
    code: 'WARN_MUD_HOST_ROUTE',
    path: `${ACE0}/matches/ipv4/destination-ipv4-network`,
    check: (r) => assert.equal(r.mud?.acls[0]?.aces[0]?.matches.ipv4?.destinationNetwork, '192.0.2.10/32'),
  },
  {
    name: 'a bare IPv6 address is the /128 host route',
    edit: (j) => {
      ace(j, 1, 0).matches.ipv6['source-ipv6-network'] = '2001:db8::10';
    },
    code: 'WARN_MUD_HOST_ROUTE',
    path: `${ACE1}/matches/ipv6/source-ipv6-network`,
    check: (r) => assert.equal(r.mud?.acls[1]?.aces[0]?.matches.ipv6?.sourceNetwork, '2001:db8::10/128'),
  },
  {
    name: 'ACL type "ipv4" is ipv4-acl-type',
    edit: (j) => {
      acl(j, 0).type = 'ipv4';
    },
    code: 'WARN_MUD_ACL_TYPE_SHORTHAND',
    path: `/${ACLS}/acl/0/type`,
    check: (r) => assert.equal(r.mud?.acls[0]?.type, 'ipv4-acl-type'),
  },
  {
    name: 'ACL type "ietf-access-control-list:ipv6" is ipv6-acl-type',
    edit: (j) => {
      acl(j, 1).type = 'ietf-access-control-list:ipv6';
    },
    code: 'WARN_MUD_ACL_TYPE_SHORTHAND',
    path: `/${ACLS}/acl/1/type`,
    check: (r) => assert.equal(r.mud?.acls[1]?.type, 'ipv6-acl-type'),
  },
  {
    name: 'ACL type "eth" is eth-acl-type',
    edit: (j) => {
      acl(j, 0).type = 'eth';
      ace(j, 0, 0).matches = { eth: { ethertype: 2048 } };
      ace(j, 0, 1).matches = { eth: { ethertype: 34525 } };
    },
    code: 'WARN_MUD_ACL_TYPE_SHORTHAND',
    path: `/${ACLS}/acl/0/type`,
    check: (r) => assert.equal(r.mud?.acls[0]?.type, 'eth-acl-type'),
  },
  {
    name: 'an empty leaf written [] is [null]',
    edit: (j) => {
      ace(j, 0, 1).matches['ietf-mud:mud']['same-manufacturer'] = [];
    },
    code: 'WARN_MUD_EMPTY_LEAF',
    path: `/${ACLS}/acl/0/aces/ace/1/matches/ietf-mud:mud/same-manufacturer`,
    check: (r) => assert.equal(r.mud?.acls[0]?.aces[1]?.matches.mud?.sameManufacturer, true),
  },
  {
    name: 'a date-time without an offset is UTC',
    edit: (j) => {
      j['ietf-mud:mud']['last-update'] = '2026-11-30T10:00:00.250';
    },
    code: 'WARN_MUD_DATE_NO_OFFSET',
    path: '/ietf-mud:mud/last-update',
    check: (r) => {
      const lastUpdate = r.mud?.mud.lastUpdate;
      assert.equal(lastUpdate, '2026-11-30T10:00:00.250Z');
      assert.equal(Date.parse(lastUpdate ?? ''), Date.UTC(2026, 10, 30, 10, 0, 0, 250));
    },
  },
];

test('the base file is valid in both modes without warnings, so each case differs only by its change', () => {
  for (const lenient of [false, true]) {
    const r = validateMud(base(), { lenient });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
  }
});

for (const c of accepted)
  test(`lenient: ${c.name}, with ${c.code}; strict refuses it`, () => {
    const j = base();
    c.edit(j);
    const lenient = validateMud(j, { lenient: true });
    assert.deepEqual(lenient.errors, []);
    assert.deepEqual(
      lenient.warnings.map((w) => [w.code, w.path]),
      [[c.code, c.path]],
    );
    c.check(lenient);
    const strict = validateMud(j);
    assert.equal(strict.mud, undefined);
    assert.ok(
      strict.errors.some((e) => e.path === c.path),
      `strict names ${c.path}: ${JSON.stringify(strict.errors)}`,
    );
  });

test('lenient: an "ipv4" ACL with eth matches in a file without an Ethernet ACL becomes the mixed type', () => {
  const j = base();
  acl(j, 0).type = 'ipv4';
  ace(j, 0, 1).matches = { eth: { ethertype: 2048 } };
  const r = validateMud(j, { lenient: true });
  assert.deepEqual(r.errors, []);
  assert.equal(r.mud?.acls[0]?.type, 'mixed-eth-ipv4-acl-type');
  assert.deepEqual(
    r.warnings.map((w) => w.code),
    ['WARN_MUD_ACL_TYPE_SHORTHAND', 'WARN_MUD_NORMALISED'],
  );
});

test('lenient: the paths name the file as written, also inside the pre-RFC access-lists container', () => {
  const j = base();
  j['ietf-access-control-list:access-lists'] = j[ACLS];
  delete j[ACLS];
  j['ietf-access-control-list:access-lists'].acl[0].aces.ace[0].matches.ipv4['destination-ipv4-network'] = '192.0.2.10';
  const r = validateMud(j, { lenient: true });
  assert.deepEqual(r.errors, []);
  assert.ok(
    r.warnings.some(
      (w) =>
        w.code === 'WARN_MUD_HOST_ROUTE' &&
        w.path === '/ietf-access-control-list:access-lists/acl/0/aces/ace/0/matches/ipv4/destination-ipv4-network',
    ),
    JSON.stringify(r.warnings),
  );
});

interface Refused {
  name: string;
  edit: (j: Json) => void;
  code: string;
  path: string;
  reason?: RegExp;
}

const ambiguous: Refused[] = [
  {
    name: 'an IPv4 address in an IPv6 match',
    edit: (j) => {
      ace(j, 1, 0).matches.ipv6['source-ipv6-network'] = '192.0.2.10';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE1}/matches/ipv6/source-ipv6-network`,
    reason: /IPv4 address, in a match of the other family/,
  },
  {
    name: 'an IPv6 address in an IPv4 match',
    edit: (j) => {
      ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '2001:db8::10';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE0}/matches/ipv4/destination-ipv4-network`,
    reason: /IPv6 address, in a match of the other family/,
  },
  {
    name: 'an IPv4 prefix length out of range',
    edit: (j) => {
      ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '192.0.2.10/33';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE0}/matches/ipv4/destination-ipv4-network`,
  },
  {
    name: 'an IPv6 prefix length out of range',
    edit: (j) => {
      ace(j, 1, 0).matches.ipv6['source-ipv6-network'] = '2001:db8::10/129';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE1}/matches/ipv6/source-ipv6-network`,
  },
  {
    name: 'a bare address that is not one (leading zeros)',
    edit: (j) => {
      ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '192.0.2.010';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE0}/matches/ipv4/destination-ipv4-network`,
  },
  {
    name: 'a bare IPv6 address with a zone index',
    edit: (j) => {
      ace(j, 1, 0).matches.ipv6['source-ipv6-network'] = 'fe80::10%eth0';
    },
    code: 'ERR_MUD_FORMAT',
    path: `${ACE1}/matches/ipv6/source-ipv6-network`,
  },
  {
    name: 'an unknown ACL type shorthand',
    edit: (j) => {
      acl(j, 0).type = 'ip';
    },
    code: 'ERR_MUD_ENUM',
    path: `/${ACLS}/acl/0/type`,
  },
  {
    name: 'an empty leaf with a value in its array',
    edit: (j) => {
      ace(j, 0, 1).matches['ietf-mud:mud']['same-manufacturer'] = ['example.com'];
    },
    code: 'ERR_MUD_TYPE',
    path: `/${ACLS}/acl/0/aces/ace/1/matches/ietf-mud:mud/same-manufacturer`,
  },
  {
    name: 'an empty leaf written as null',
    edit: (j) => {
      ace(j, 0, 1).matches['ietf-mud:mud']['same-manufacturer'] = null;
    },
    code: 'ERR_MUD_TYPE',
    path: `/${ACLS}/acl/0/aces/ace/1/matches/ietf-mud:mud/same-manufacturer`,
  },
  {
    name: 'a date without a time',
    edit: (j) => {
      j['ietf-mud:mud']['last-update'] = '2026-11-30';
    },
    code: 'ERR_MUD_FORMAT',
    path: '/ietf-mud:mud/last-update',
  },
  {
    name: 'an impossible date-time without an offset',
    edit: (j) => {
      j['ietf-mud:mud']['last-update'] = '2026-02-30T10:00:00';
    },
    code: 'ERR_MUD_FORMAT',
    path: '/ietf-mud:mud/last-update',
  },
];

for (const c of ambiguous)
  test(`refused in both modes: ${c.name}`, () => {
    for (const lenient of [false, true]) {
      const j = base();
      c.edit(j);
      const r = validateMud(j, { lenient });
      assert.equal(r.mud, undefined);
      const e = r.errors.find((x) => x.code === c.code && x.path === c.path);
      assert.ok(e !== undefined, `${lenient ? 'lenient' : 'strict'}: ${c.code} at ${c.path}: ${JSON.stringify(r.errors)}`);
      if (c.reason !== undefined) assert.match(e.reason, c.reason);
      assert.ok(!r.warnings.some((w) => w.path === c.path), `no lenient change at ${c.path}`);
    }
  });

test('mud validate --lenient reports each shape with its code and --normalise writes a file strict mode accepts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-lenient-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const j = base();
  j['ietf-mud:mud']['last-update'] = '2026-11-30T10:00:00';
  acl(j, 0).type = 'ipv4';
  ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '192.0.2.10';
  ace(j, 0, 1).matches['ietf-mud:mud']['same-manufacturer'] = [];
  const file = join(dir, 'tool.json');
  writeFileSync(file, JSON.stringify(j));
  assert.equal((await runCli(['mud', 'validate', file], dir)).code, 1);
  const r = await runCli(['mud', 'validate', '--lenient', '--json', file], dir);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as { files: { warnings: { code: string }[] }[] };
  assert.deepEqual(report.files[0]?.warnings.map((w) => w.code).sort(), [
    'WARN_MUD_ACL_TYPE_SHORTHAND',
    'WARN_MUD_DATE_NO_OFFSET',
    'WARN_MUD_EMPTY_LEAF',
    'WARN_MUD_HOST_ROUTE',
  ]);
  const out = join(dir, 'rfc.json');
  assert.equal((await runCli(['mud', 'validate', '--lenient', '--normalise', out, file], dir)).code, 0);
  const strict = await runCli(['mud', 'validate', out], dir);
  assert.equal(strict.code, 0, strict.out);
  const written = JSON.parse(readFileSync(out, 'utf8')) as Json;
  assert.equal(written['ietf-mud:mud']['last-update'], '2026-11-30T10:00:00Z');
  assert.equal(acl(written, 0).type, 'ipv4-acl-type');
  assert.equal(ace(written, 0, 0).matches.ipv4['destination-ipv4-network'], '192.0.2.10/32');
  assert.deepEqual(ace(written, 0, 1).matches['ietf-mud:mud']['same-manufacturer'], [null]);
});

const NEW_CODES = ['WARN_MUD_HOST_ROUTE', 'WARN_MUD_ACL_TYPE_SHORTHAND', 'WARN_MUD_EMPTY_LEAF', 'WARN_MUD_DATE_NO_OFFSET'];
const root = vectorPath('mud');
if (root === undefined) {
  test('MUD vectors and the lenient shapes', (t) => t.skip(vectorsMissing('mud')));
} else {
  test('no shared MUD vector uses these shapes: lenient reading gives none of their warnings', () => {
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    for (const f of files) {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(join(root, f), 'utf8'));
      } catch {
        continue;
      }
      const r = validateMud(value, { lenient: true });
      const hit = r.warnings.filter((w) => NEW_CODES.includes(w.code));
      assert.deepEqual(hit, [], f);
    }
  });
}

test('a member prefix that is an inherited property name ("constructor:", "toString:") names no module and is not renamed', () => {
  for (const lenient of [false, true]) {
    const j = base();
    j['ietf-mud:mud']['constructor:x'] = 1;
    j['toString:y'] = 2;
    const r = validateMud(j, { lenient });
    const all = [...r.errors, ...r.warnings];
    assert.ok(
      all.every((i) => !i.reason.includes('native code') && i.code !== 'WARN_MUD_NORMALISED'),
      JSON.stringify(all),
    );
    // Reported where the file has them: an unknown top-level member, and a member of an unknown module.
    assert.ok(
      r.errors.some((e) => e.code === 'ERR_MUD_UNKNOWN_MEMBER' && e.path === '/toString:y'),
      JSON.stringify(r.errors),
    );
    assert.ok(
      r.warnings.some((w) => w.code === 'WARN_MUD_UNKNOWN_EXTENSION' && w.path === '/ietf-mud:mud/constructor:x'),
      JSON.stringify(r.warnings),
    );
  }
});
