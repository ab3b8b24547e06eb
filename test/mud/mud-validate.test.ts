/** Strict validation, one constraint at a time: each broken file names the code and the path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MudInputError } from '../../src/mud/validate/errors.ts';
import { parseMud, validateMud } from '../../src/mud/validate/parse-mud.ts';

// biome-ignore lint/suspicious/noExplicitAny: the fixtures are JSON documents edited freely by each case
type Json = Record<string, any>;

/** A small valid file: a thermostat that talks HTTPS to its cloud and NTP, and to its controller. */
function base(): Json {
  return {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': 'https://thermo.example.org/mud/t1.json',
      'last-update': '2026-11-30T10:00:00+00:00',
      'cache-validity': 24,
      'is-supported': true,
      systeminfo: 'T1 thermostat',
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'fr' }] } },
      'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to' }] } },
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
                  ipv4: { 'ietf-acldns:dst-dnsname': 'api.thermo.example.org', protocol: 6 },
                  tcp: { 'ietf-mud:direction-initiated': 'from-device', 'destination-port': { operator: 'eq', port: 443 } },
                },
                actions: { forwarding: 'accept' },
              },
              {
                name: 'ntp',
                matches: { ipv4: { 'ietf-acldns:dst-dnsname': 'pool.ntp.org', protocol: 17 }, udp: { 'destination-port': { port: 123 } } },
                actions: { forwarding: 'accept' },
              },
            ],
          },
        },
        {
          name: 'to',
          type: 'ipv4-acl-type',
          aces: {
            ace: [
              {
                name: 'ctl',
                matches: {
                  'ietf-mud:mud': { 'my-controller': [null] },
                  ipv4: { protocol: 6 },
                  tcp: { 'destination-port': { 'lower-port': 8000, 'upper-port': 8010 } },
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

const mud = (j: Json): Json => j['ietf-mud:mud'];
const acl = (j: Json, i: number): Json => j['ietf-access-control-list:acls'].acl[i];
const ace = (j: Json, a: number, e: number): Json => acl(j, a).aces.ace[e];
const ACE0 = '/ietf-access-control-list:acls/acl/0/aces/ace/0';

function errorsOf(j: Json, lenient = false): [string, string][] {
  return validateMud(j, { lenient }).errors.map((e) => [e.code, e.path]);
}

function expectError(j: Json, code: string, path: string): void {
  const errors = errorsOf(j);
  assert.ok(
    errors.some(([c, p]) => c === code && p === path),
    `expected ${code} at ${path}, got ${JSON.stringify(errors)}`,
  );
}

test('the base file is valid, so each case below fails only by its change', () => {
  const r = validateMud(base());
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.mud?.acls[1]?.aces[0]?.matches.tcp?.destinationPort, { kind: 'range', lower: 8000, upper: 8010 });
  assert.equal(r.mud?.acls[0]?.aces[1]?.matches.udp?.destinationPort?.kind, 'operator');
});

for (const m of ['mud-version', 'mud-url', 'last-update', 'is-supported'])
  test(`mandatory leaf ${m}`, () => {
    const j = base();
    delete mud(j)[m];
    expectError(j, 'ERR_MUD_MISSING', `/ietf-mud:mud/${m}`);
  });

test('the mud container itself is mandatory; unknown top-level members are errors', () => {
  const j = base();
  delete j['ietf-mud:mud'];
  j.extra = 1;
  expectError(j, 'ERR_MUD_MISSING', '/ietf-mud:mud');
  expectError(j, 'ERR_MUD_UNKNOWN_MEMBER', '/extra');
});

test('cache-validity is 1..168 hours, default 48', () => {
  for (const v of [0, 169, 1000]) {
    const j = base();
    mud(j)['cache-validity'] = v;
    expectError(j, 'ERR_MUD_RANGE', '/ietf-mud:mud/cache-validity');
  }
  const j = base();
  mud(j)['cache-validity'] = '48';
  expectError(j, 'ERR_MUD_TYPE', '/ietf-mud:mud/cache-validity');
  delete mud(j)['cache-validity'];
  assert.equal(validateMud(j).mud?.mud.cacheValidity, 48);
  mud(j)['cache-validity'] = 168;
  assert.equal(validateMud(j).mud?.mud.cacheValidity, 168);
});

test('mud-version must be 1', () => {
  const j = base();
  mud(j)['mud-version'] = 2;
  expectError(j, 'ERR_MUD_VERSION', '/ietf-mud:mud/mud-version');
});

test('mud-url and mud-signature are https URLs', () => {
  const j = base();
  mud(j)['mud-url'] = 'http://thermo.example.org/mud/t1.json';
  mud(j)['mud-signature'] = 'ftp://thermo.example.org/t1.p7s';
  expectError(j, 'ERR_MUD_URL_NOT_HTTPS', '/ietf-mud:mud/mud-url');
  expectError(j, 'ERR_MUD_URL_NOT_HTTPS', '/ietf-mud:mud/mud-signature');
  mud(j)['mud-url'] = 'https://thermo example.org/';
  expectError(j, 'ERR_MUD_FORMAT', '/ietf-mud:mud/mud-url');
});

test('last-update is a date-and-time with an offset', () => {
  for (const v of ['2026-11-30', '2026-11-30T10:00:00', '2026-02-30T10:00:00Z', '2026-11-30T25:00:00Z']) {
    const j = base();
    mud(j)['last-update'] = v;
    expectError(j, 'ERR_MUD_FORMAT', '/ietf-mud:mud/last-update');
  }
});

test('extension names are 1..40 characters and listed once', () => {
  const j = base();
  mud(j).extensions = ['x'.repeat(41), '', 'ok', 'ok'];
  expectError(j, 'ERR_MUD_LENGTH', '/ietf-mud:mud/extensions/0');
  expectError(j, 'ERR_MUD_LENGTH', '/ietf-mud:mud/extensions/1');
  expectError(j, 'ERR_MUD_DUPLICATE_NAME', '/ietf-mud:mud/extensions/3');
  mud(j).extensions = ['x'.repeat(40)];
  const r = validateMud(j);
  assert.deepEqual(r.errors, []);
  assert.equal(r.warnings[0]?.code, 'WARN_MUD_UNKNOWN_EXTENSION');
});

test('a known extension member needs its name in extensions', () => {
  const j = base();
  mud(j)['ietf-mud-transparency:transparency'] = { 'vuln-url': ['https://thermo.example.org/csaf.json'] };
  expectError(j, 'ERR_MUD_EXTENSION_UNDECLARED', '/ietf-mud:mud/ietf-mud-transparency:transparency');
  mud(j).extensions = ['transparency'];
  assert.deepEqual(errorsOf(j), []);
  ace(j, 0, 0).matches['ietf-acl-tls:client-profiles'] = { 'tls-dtls-profile': [{ name: 'p', 'supported-tls-version': ['tls13'] }] };
  expectError(j, 'ERR_MUD_EXTENSION_UNDECLARED', `${ACE0}/matches/ietf-acl-tls:client-profiles`);
});

test('transparency: SBOM retrieval methods are one choice', () => {
  const j = base();
  mud(j).extensions = ['transparency'];
  mud(j)['ietf-mud-transparency:transparency'] = {
    'sbom-local-well-known': 'https',
    sboms: [{ 'version-info': '1', 'sbom-url': 'https://x.example/sbom' }],
  };
  expectError(j, 'ERR_MUD_CHOICE', '/ietf-mud:mud/ietf-mud-transparency:transparency');
});

test('policies name ACLs that exist, each once', () => {
  const j = base();
  mud(j)['from-device-policy']['access-lists']['access-list'].push({ name: 'nowhere' }, { name: 'fr' });
  expectError(j, 'ERR_MUD_UNRESOLVED_ACL', '/ietf-mud:mud/from-device-policy/access-lists/access-list/1/name');
  expectError(j, 'ERR_MUD_DUPLICATE_NAME', '/ietf-mud:mud/from-device-policy/access-lists/access-list/2/name');
});

test('ACL names and ACE names within an ACL are unique; an unused ACL is a warning', () => {
  const j = base();
  acl(j, 1).name = 'fr';
  ace(j, 0, 1).name = 'cloud';
  expectError(j, 'ERR_MUD_DUPLICATE_NAME', '/ietf-access-control-list:acls/acl/1/name');
  expectError(j, 'ERR_MUD_DUPLICATE_NAME', '/ietf-access-control-list:acls/acl/0/aces/ace/1/name');
  const k = base();
  mud(k)['to-device-policy']['access-lists']['access-list'] = [];
  const r = validateMud(k);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.warnings.map((w) => [w.code, w.path]),
    [['WARN_MUD_UNUSED_ACL', '/ietf-access-control-list:acls/acl/1']],
  );
});

test('ACL and ACE names are 1..64 characters', () => {
  const j = base();
  ace(j, 0, 0).name = 'a'.repeat(65);
  expectError(j, 'ERR_MUD_LENGTH', `${ACE0}/name`);
});

test('ports are 0..65535; a range has both ends in order; operators are lte, gte, eq, neq', () => {
  const j = base();
  ace(j, 0, 0).matches.tcp['destination-port'].port = 65536;
  ace(j, 1, 0).matches.tcp['destination-port'] = { 'lower-port': 9000, 'upper-port': 8000 };
  ace(j, 0, 1).matches.udp['destination-port'] = { operator: 'lt', port: 123 };
  expectError(j, 'ERR_MUD_RANGE', `${ACE0}/matches/tcp/destination-port/port`);
  expectError(j, 'ERR_MUD_PORT_RANGE', '/ietf-access-control-list:acls/acl/1/aces/ace/0/matches/tcp/destination-port/upper-port');
  expectError(j, 'ERR_MUD_ENUM', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/udp/destination-port/operator');
  const k = base();
  ace(k, 1, 0).matches.tcp['destination-port'] = { 'lower-port': 1 };
  expectError(k, 'ERR_MUD_MISSING', '/ietf-access-control-list:acls/acl/1/aces/ace/0/matches/tcp/destination-port/upper-port');
  ace(k, 0, 0).matches.tcp['destination-port'] = { operator: 'eq', port: 1, 'lower-port': 1, 'upper-port': 2 };
  expectError(k, 'ERR_MUD_CHOICE', `${ACE0}/matches/tcp/destination-port`);
  ace(k, 0, 1).matches.udp['source-port'] = { operator: 'gte' };
  expectError(k, 'ERR_MUD_MISSING', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/udp/source-port/port');
});

test('direction-initiated only in a tcp match', () => {
  const j = base();
  ace(j, 0, 1).matches.udp['ietf-mud:direction-initiated'] = 'from-device';
  expectError(j, 'ERR_MUD_DIRECTION_NOT_TCP', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/udp/ietf-mud:direction-initiated');
  const k = base();
  ace(k, 0, 0).matches.tcp['ietf-mud:direction-initiated'] = 'sideways';
  expectError(k, 'ERR_MUD_ENUM', `${ACE0}/matches/tcp/ietf-mud:direction-initiated`);
});

test('a tcp or udp match agrees with the IP protocol', () => {
  const j = base();
  ace(j, 0, 0).matches.ipv4.protocol = 17;
  expectError(j, 'ERR_MUD_PROTOCOL_MISMATCH', `${ACE0}/matches/tcp`);
});

test('address families: ipv6 matches only in IPv6 ACLs, eth only with an Ethernet ACL type', () => {
  const j = base();
  ace(j, 0, 1).matches = { ipv6: { protocol: 17 }, udp: {} };
  ace(j, 0, 0).matches.eth = { ethertype: 2048 };
  expectError(j, 'ERR_MUD_ADDRESS_FAMILY', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/ipv6');
  expectError(j, 'ERR_MUD_ADDRESS_FAMILY', `${ACE0}/matches/eth`);
  const k = base();
  acl(k, 0).type = 'mixed-eth-ipv4-acl-type';
  ace(k, 0, 0).matches.eth = { ethertype: 'ipv4', 'destination-mac-address': 'ff:ff:ff:ff:ff:ff' };
  const r = validateMud(k);
  assert.deepEqual(r.errors, []);
  assert.equal(r.mud?.acls[0]?.aces[0]?.matches.eth?.ethertype, 0x0800);
});

test('ipv4 and ipv6, and tcp and udp, are choices', () => {
  const j = base();
  acl(j, 0).type = 'mixed-eth-ipv4-ipv6-acl-type';
  ace(j, 0, 0).matches.ipv6 = {};
  ace(j, 0, 0).matches.udp = {};
  expectError(j, 'ERR_MUD_CHOICE', `${ACE0}/matches`);
  assert.equal(errorsOf(j).filter(([c]) => c === 'ERR_MUD_CHOICE').length, 2);
});

test('a DNS name and a prefix for the same side are one choice', () => {
  const j = base();
  ace(j, 0, 0).matches.ipv4['destination-ipv4-network'] = '192.0.2.0/24';
  expectError(j, 'ERR_MUD_CHOICE', `${ACE0}/matches/ipv4`);
});

test('prefixes, MAC addresses, ethertypes, DSCP and other ranges', () => {
  const j = base();
  acl(j, 0).type = 'mixed-eth-ipv4-acl-type';
  const m = ace(j, 0, 1).matches;
  m.ipv4 = { 'destination-ipv4-network': '192.0.2.0/33', 'source-ipv4-network': '192.0.2.1', dscp: 64, ecn: 4, ihl: 4, protocol: 17 };
  m.eth = { ethertype: 70000, 'source-mac-address': '00:11:22:33:44' };
  ace(j, 0, 0).matches.eth = { ethertype: 'ipv5' };
  const p = '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches';
  expectError(j, 'ERR_MUD_FORMAT', `${p}/ipv4/destination-ipv4-network`);
  expectError(j, 'ERR_MUD_FORMAT', `${p}/ipv4/source-ipv4-network`);
  expectError(j, 'ERR_MUD_RANGE', `${p}/ipv4/dscp`);
  expectError(j, 'ERR_MUD_RANGE', `${p}/ipv4/ecn`);
  expectError(j, 'ERR_MUD_RANGE', `${p}/ipv4/ihl`);
  expectError(j, 'ERR_MUD_RANGE', `${p}/eth/ethertype`);
  expectError(j, 'ERR_MUD_FORMAT', `${p}/eth/source-mac-address`);
  expectError(j, 'ERR_MUD_ENUM', `${ACE0}/matches/eth/ethertype`);
  const k = base();
  acl(k, 0).type = 'ipv6-acl-type';
  ace(k, 0, 1).matches = { ipv6: { 'destination-ipv6-network': '2001:db8::/129', 'flow-label': 1048576 } };
  expectError(k, 'ERR_MUD_FORMAT', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/ipv6/destination-ipv6-network');
  expectError(k, 'ERR_MUD_RANGE', '/ietf-access-control-list:acls/acl/0/aces/ace/1/matches/ipv6/flow-label');
});

test('DNS names are inet:host; MUD abstractions have their types (empty is [null])', () => {
  const j = base();
  ace(j, 0, 0).matches.ipv4['ietf-acldns:dst-dnsname'] = 'bad name!';
  ace(j, 1, 0).matches['ietf-mud:mud'] = { 'my-controller': true, controller: 'not a uri', manufacturer: 'ok.example' };
  expectError(j, 'ERR_MUD_FORMAT', `${ACE0}/matches/ipv4/ietf-acldns:dst-dnsname`);
  expectError(j, 'ERR_MUD_TYPE', '/ietf-access-control-list:acls/acl/1/aces/ace/0/matches/ietf-mud:mud/my-controller');
  expectError(j, 'ERR_MUD_FORMAT', '/ietf-access-control-list:acls/acl/1/aces/ace/0/matches/ietf-mud:mud/controller');
});

test('actions: forwarding is mandatory and an identity of RFC 8519 (module-qualified or not)', () => {
  const j = base();
  ace(j, 0, 0).actions = { forwarding: 'allow' };
  ace(j, 0, 1).actions = {};
  expectError(j, 'ERR_MUD_ENUM', `${ACE0}/actions/forwarding`);
  expectError(j, 'ERR_MUD_MISSING', '/ietf-access-control-list:acls/acl/0/aces/ace/1/actions/forwarding');
  const k = base();
  ace(k, 0, 0).actions = { forwarding: 'ietf-access-control-list:drop', logging: 'log-syslog' };
  assert.deepEqual(validateMud(k).mud?.acls[0]?.aces[0]?.actions, { forwarding: 'drop', logging: 'log-syslog' });
});

test('ACL types are identities of RFC 8519', () => {
  const j = base();
  acl(j, 0).type = 'ipv5-acl-type';
  expectError(j, 'ERR_MUD_ENUM', '/ietf-access-control-list:acls/acl/0/type');
});

test('members outside the schema are errors; unqualified augmentations are not accepted', () => {
  const j = base();
  mud(j).colour = 'blue';
  ace(j, 0, 0).matches.tcp['direction-initiated'] = 'from-device';
  ace(j, 0, 0).matches.ipv4['dst-dnsname'] = 'x.example';
  expectError(j, 'ERR_MUD_UNKNOWN_MEMBER', '/ietf-mud:mud/colour');
  expectError(j, 'ERR_MUD_UNKNOWN_MEMBER', `${ACE0}/matches/tcp/direction-initiated`);
  expectError(j, 'ERR_MUD_UNKNOWN_MEMBER', `${ACE0}/matches/ipv4/dst-dnsname`);
});

test('quarantine policy: ACE names must resolve', () => {
  const j = base();
  mud(j)['example-q:quaranteed-device-policy'] = { 'enabled-ace-names': [{ 'ace-name': 'ntp' }, { 'ace-name': 'ghost' }] };
  expectError(j, 'ERR_MUD_UNRESOLVED_ACE', '/ietf-mud:mud/example-q:quaranteed-device-policy/enabled-ace-names/1/ace-name');
  mud(j)['example-q:quaranteed-device-policy'] = { 'access-lists': { 'access-list': [{ name: 'fr' }] } };
  const r = validateMud(j);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.mud?.mud.quarantine?.aclNames, ['fr']);
});

test('all errors are reported at once, in document order', () => {
  const j = base();
  mud(j)['cache-validity'] = 0;
  mud(j)['mud-url'] = 'http://x.example/';
  ace(j, 0, 0).matches.tcp['destination-port'].port = -1;
  ace(j, 1, 0).actions.forwarding = 'maybe';
  assert.deepEqual(
    errorsOf(j).map(([c]) => c),
    ['ERR_MUD_URL_NOT_HTTPS', 'ERR_MUD_RANGE', 'ERR_MUD_RANGE', 'ERR_MUD_ENUM'],
  );
});

test('lenient mode normalises the old shape but still reports real errors', () => {
  const j = base();
  j['ietf-access-control-list:access-lists'] = j['ietf-access-control-list:acls'];
  delete j['ietf-access-control-list:acls'];
  mud(j)['cache-validity'] = 200;
  assert.deepEqual(errorsOf(j, true), [['ERR_MUD_RANGE', '/ietf-mud:mud/cache-validity']]);
  assert.deepEqual(
    errorsOf(j, false).map(([c]) => c),
    ['ERR_MUD_PRE_RFC_SHAPE', 'ERR_MUD_RANGE'],
  );
});

test('validateMud leaves its argument unchanged, also in lenient mode', () => {
  const j = base();
  acl(j, 0).type = 'ethernet-acl-type';
  const before = JSON.stringify(j);
  validateMud(j, { lenient: true });
  assert.equal(JSON.stringify(j), before);
});

test('input limits fail with typed errors', () => {
  const text = JSON.stringify(base());
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof MudInputError);
      return e.code;
    }
    return 'none';
  };
  assert.equal(
    code(() => parseMud('{"ietf-mud:mud": ')),
    'ERR_MUD_JSON',
  );
  assert.equal(
    code(() => parseMud(Uint8Array.of(0xff, 0xfe, 0x7b))),
    'ERR_MUD_JSON',
  );
  assert.equal(
    code(() => parseMud(text, { limits: { maxBytes: 100 } })),
    'ERR_MUD_TOO_LARGE',
  );
  assert.equal(
    code(() => parseMud(`${'['.repeat(40)}${']'.repeat(40)}`)),
    'ERR_MUD_TOO_DEEP',
  );
  // Brackets inside strings do not count towards the depth.
  assert.equal(
    code(() => parseMud(JSON.stringify({ a: '['.repeat(100) }))),
    'none',
  );
  assert.equal(
    code(() => parseMud(text, { limits: { maxAcls: 1 } })),
    'ERR_MUD_TOO_MANY',
  );
  assert.equal(
    code(() => parseMud(text, { limits: { maxAces: 2 } })),
    'ERR_MUD_TOO_MANY',
  );
  assert.equal(
    code(() => parseMud(text, { limits: { maxListItems: 0 } })),
    'ERR_MUD_TOO_MANY',
  );
  assert.equal(
    code(() => parseMud(text)),
    'none',
  );
});

test('a file that is not an object is one error at the root', () => {
  assert.deepEqual(
    parseMud('[1]').errors.map((e) => [e.code, e.path]),
    [['ERR_MUD_TYPE', '']],
  );
});

test('deep and cyclic values are input errors, whatever their depth', () => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  assert.throws(
    () => parseMud(deep),
    (e: unknown) => e instanceof MudInputError && e.code === 'ERR_MUD_TOO_DEEP',
  );
  // Deep inside an object: the depth is checked before any recursive step reaches it.
  const nested = `{"ietf-mud:mud":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  assert.throws(
    () => parseMud(nested),
    (e: unknown) => e instanceof MudInputError && e.code === 'ERR_MUD_TOO_DEEP',
  );
  // The limit counts as before: the top-level object is depth 1.
  const atDepth = (n: number) => `{"x":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
  const deepCode = (n: number): string => {
    try {
      parseMud(atDepth(n), { limits: { maxDepth: 5 } });
      return 'none';
    } catch (e) {
      return e instanceof MudInputError ? e.code : String(e);
    }
  };
  assert.equal(deepCode(5), 'none');
  assert.equal(deepCode(6), 'ERR_MUD_TOO_DEEP');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(
    () => validateMud(cyclic),
    (e: unknown) => e instanceof MudInputError && e.code === 'ERR_MUD_TOO_DEEP',
  );
});

test('transparency (RFC 9472): local-type identities and URI schemes', () => {
  const j = base();
  mud(j).extensions = ['transparency'];
  const t = '/ietf-mud:mud/ietf-mud-transparency:transparency';
  mud(j)['ietf-mud-transparency:transparency'] = { 'sbom-local-well-known': 'ftp', 'vuln-contact-uri': 'ftp://x.example/' };
  expectError(j, 'ERR_MUD_ENUM', `${t}/sbom-local-well-known`);
  expectError(j, 'ERR_MUD_FORMAT', `${t}/vuln-contact-uri`);
  mud(j)['ietf-mud-transparency:transparency'] = {
    sboms: [{ 'version-info': '1', 'sbom-url': 'ftp://x.example/sbom' }, { 'sbom-url': 'https://x.example/sbom' }],
  };
  expectError(j, 'ERR_MUD_FORMAT', `${t}/sboms/0/sbom-url`);
  expectError(j, 'ERR_MUD_MISSING', `${t}/sboms/1/version-info`);
  mud(j)['ietf-mud-transparency:transparency'] = {
    'sbom-local-well-known': 'ietf-mud-transparency:coaps',
    'vuln-contact-uri': 'mailto:psirt@x.example',
    'sbom-archive-list': 'https://x.example/sboms.json',
  };
  assert.deepEqual(validateMud(j).mud?.mud.transparency, {
    sbomLocalWellKnown: 'coaps',
    vulnContactUri: 'mailto:psirt@x.example',
    sbomArchiveList: 'https://x.example/sboms.json',
  });
});

test('TLS profiles (RFC 9761): versions are enumerations, names 1..64 and unique, numbers uint16', () => {
  const j = base();
  mud(j).extensions = ['ietf-mud-tls'];
  mud(j)['ietf-mud-tls:is-tls-dtls-profile-supported'] = 'yes';
  const p = `${ACE0}/matches/ietf-acl-tls:client-profiles/tls-dtls-profile`;
  ace(j, 0, 0).matches['ietf-acl-tls:client-profiles'] = {
    'tls-dtls-profile': [
      { name: 'a', 'supported-tls-version': ['tls11'], 'cipher-suite': [70000] },
      { name: 'a', 'supported-dtls-version': ['dtls13'] },
      { name: 'x'.repeat(65) },
    ],
  };
  expectError(j, 'ERR_MUD_TYPE', '/ietf-mud:mud/ietf-mud-tls:is-tls-dtls-profile-supported');
  expectError(j, 'ERR_MUD_ENUM', `${p}/0/supported-tls-version/0`);
  expectError(j, 'ERR_MUD_RANGE', `${p}/0/cipher-suite/0`);
  expectError(j, 'ERR_MUD_DUPLICATE_NAME', `${p}/1/name`);
  expectError(j, 'ERR_MUD_LENGTH', `${p}/2/name`);
});

test('string lengths count characters, not UTF-16 units', () => {
  const j = base();
  mud(j).extensions = ['😀'.repeat(40)];
  assert.deepEqual(errorsOf(j), []);
  mud(j).extensions = ['😀'.repeat(41)];
  expectError(j, 'ERR_MUD_LENGTH', '/ietf-mud:mud/extensions/0');
});

test("a core module's member under a qualified name is an error, an unknown module's a kept warning", () => {
  const j = base();
  mud(j)['ietf-mud:systeminfo'] = 'x';
  mud(j)['acme-devices:colour'] = 'blue';
  const r = validateMud(j);
  assert.deepEqual(
    r.errors.map((e) => [e.code, e.path]),
    [['ERR_MUD_UNKNOWN_MEMBER', '/ietf-mud:mud/ietf-mud:systeminfo']],
  );
  assert.deepEqual(
    r.warnings.map((w) => [w.code, w.path]),
    [['WARN_MUD_UNKNOWN_EXTENSION', '/ietf-mud:mud/acme-devices:colour']],
  );
  delete mud(j)['ietf-mud:systeminfo'];
  assert.deepEqual(validateMud(j).mud?.mud.unknownExtensions, { 'acme-devices:colour': 'blue' });
});
