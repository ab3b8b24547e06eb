/**
 * Every MUD file in ../shared/vectors/mud behaves as the vectors' README states: the RFC example
 * and the RFC-shaped files validate strictly; the pre-RFC files fail strictly, naming the
 * offending members, and pass in lenient mode with a warning per change.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const root = vectorPath('mud');
const files = (dir: string, pattern: RegExp): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f))
    .sort();
const read = (f: string): Uint8Array => readFileSync(f);

if (root === undefined) {
  test('MUD vectors', (t) => t.skip(vectorsMissing('mud')));
} else {
  const name = (f: string) => relative(root, f);
  const strictValid = [
    join(root, 'rfc8520-lightbulb2000.json'),
    join(root, 'go-mudyang', 'amazonEchoMud.json'),
    join(root, 'go-mudyang', 'wemoswitchMud.json'),
    join(root, 'go-mudyang', 'tls', 'example.json'),
    join(root, 'go-mudyang', 'ol', 'olExample.json'),
    ...files(join(root, 'nist'), /(^|\/)mudfile[^/]*\.json$/),
    ...files(join(root, 'visualizer'), /\.json$/).filter((f) => !f.endsWith('tester_local_network3_udp.json')),
  ];

  test('the vector folders hold the files their README describes', () => {
    assert.ok(strictValid.filter((f) => f.includes(`${join(root, 'nist')}`)).length > 0, 'NIST mudfile cases');
    assert.ok(strictValid.filter((f) => f.includes(`${join(root, 'visualizer')}`)).length > 0, 'visualizer files');
    assert.equal(files(join(root, 'unsw'), /\.json$/).length, 14, 'the 14 UNSW profiles');
  });

  test('the RFC 8520 example validates strictly and reads as the RFC describes it', () => {
    const r = parseMud(read(join(root, 'rfc8520-lightbulb2000.json')));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
    const mud = r.mud;
    assert.ok(mud !== undefined);
    assert.equal(mud.mud.mudUrl, 'https://lighting.example.com/lightbulb2000');
    assert.equal(mud.mud.cacheValidity, 48);
    assert.deepEqual(mud.mud.fromDevicePolicy, { aclNames: ['mud-76100-v6fr'] });
    const fr = mud.acls.find((a) => a.name === 'mud-76100-v6fr');
    assert.equal(fr?.type, 'ipv6-acl-type');
    const ace = fr?.aces[0];
    assert.equal(ace?.matches.ipv6?.dstDnsName, 'test.example.com');
    assert.equal(ace?.matches.ipv6?.protocol, 6);
    assert.equal(ace?.matches.tcp?.directionInitiated, 'from-device');
    assert.deepEqual(ace?.matches.tcp?.destinationPort, { kind: 'operator', operator: 'eq', port: 443 });
    assert.equal(ace?.actions.forwarding, 'accept');
  });

  for (const f of strictValid)
    test(`strict: ${name(f)} validates`, () => {
      const r = parseMud(read(f));
      assert.deepEqual(r.errors, []);
      assert.ok(r.mud !== undefined);
      assert.ok(r.mud.acls.length > 0 || r.mud.mud.fromDevicePolicy === undefined);
    });

  const preRfc = [join(root, 'go-mudyang', 'invalidAmazonEchoMud.json'), ...files(join(root, 'unsw'), /\.json$/)];
  for (const f of preRfc)
    test(`pre-RFC shape: ${name(f)} fails strictly, naming the members, and passes leniently`, () => {
      const strict = parseMud(read(f));
      assert.equal(strict.mud, undefined);
      assert.ok(strict.errors.length > 0);
      // Only the old shape is wrong with these files, except for the one file with Ethernet matches
      // and no Ethernet ACL, where strict mode also names the address family.
      for (const e of strict.errors) assert.ok(['ERR_MUD_PRE_RFC_SHAPE', 'ERR_MUD_ADDRESS_FAMILY'].includes(e.code), `${e.code} ${e.path}`);
      assert.ok(strict.errors.some((e) => e.path === '/ietf-access-control-list:access-lists'));
      const lenient = parseMud(read(f), { lenient: true });
      assert.deepEqual(lenient.errors, []);
      assert.ok(lenient.mud !== undefined);
      const normalised = lenient.warnings.filter((w) => w.code === 'WARN_MUD_NORMALISED');
      // One warning per change: each strict pre-RFC error has its lenient warning at the same path.
      const preRfcPaths = strict.errors.filter((e) => e.code === 'ERR_MUD_PRE_RFC_SHAPE').map((e) => e.path);
      for (const p of preRfcPaths)
        assert.ok(
          normalised.some((w) => w.path === p),
          p,
        );
    });

  test('invalidAmazonEchoMud: strict names the ACL container, the Ethernet ACL type and each hex ethertype', () => {
    const r = parseMud(read(join(root, 'go-mudyang', 'invalidAmazonEchoMud.json')));
    const paths = r.errors.map((e) => e.path);
    assert.ok(paths.includes('/ietf-access-control-list:access-lists'));
    // Paths point into the file as written, under its own (old) member names.
    assert.ok(paths.some((p) => /^\/ietf-access-control-list:access-lists\/acl\/\d+\/type$/.test(p)));
    assert.ok(paths.every((p) => p.startsWith('/ietf-access-control-list:access-lists')));
    assert.ok(paths.filter((p) => p.endsWith('/eth/ethertype')).length >= 2);
    // The lenient model equals the RFC-shaped file that go-mudyang ships beside it.
    const lenient = parseMud(read(join(root, 'go-mudyang', 'invalidAmazonEchoMud.json')), { lenient: true });
    const valid = parseMud(read(join(root, 'go-mudyang', 'amazonEchoMud.json')));
    assert.deepEqual(lenient.mud, valid.mud);
  });

  test('unsw/tplinkcameraMud: the draft port operator "range" is normalised to a range', () => {
    const r = parseMud(read(join(root, 'unsw', 'tplinkcameraMud.json')), { lenient: true });
    const ace = r.mud?.acls.flatMap((a) => a.aces).find((a) => a.name === 'from-ipv4-tplinkcamera-7');
    assert.deepEqual(ace?.matches.udp?.destinationPort, { kind: 'range', lower: 1023, upper: 65535 });
  });

  test('unsw/HueBulbMud: Ethernet matches without an Ethernet ACL are an address-family error strictly', () => {
    const strict = parseMud(read(join(root, 'unsw', 'HueBulbMud.json')));
    assert.ok(strict.errors.some((e) => e.code === 'ERR_MUD_ADDRESS_FAMILY' && e.path.endsWith('/matches/eth')));
    const lenient = parseMud(read(join(root, 'unsw', 'HueBulbMud.json')), { lenient: true });
    assert.ok(lenient.warnings.some((w) => w.code === 'WARN_MUD_NORMALISED' && w.path.endsWith('/type')));
    assert.ok(lenient.mud?.acls.some((a) => a.type === 'mixed-eth-ipv4-acl-type'));
  });

  test('visualizer/tester_local_network3_udp: two ACLs share a name, which neither mode accepts', () => {
    for (const lenient of [false, true]) {
      const r = parseMud(read(join(root, 'visualizer', 'tester_local_network3_udp.json')), { lenient });
      assert.deepEqual(
        r.errors.map((e) => [e.code, e.path]),
        [['ERR_MUD_DUPLICATE_NAME', '/ietf-access-control-list:acls/acl/2/name']],
      );
    }
  });

  test('transparency (RFC 9472) example: the "mudtx:" prefix is the pre-RFC shape; lenient reads the SBOM and vulnerability pointers', () => {
    const f = join(root, 'go-mudyang', 'transparency', 'completeExample.json');
    const strict = parseMud(read(f));
    assert.deepEqual(
      strict.errors.map((e) => [e.code, e.path]),
      [['ERR_MUD_PRE_RFC_SHAPE', '/ietf-mud:mud/mudtx:transparency']],
    );
    const r = parseMud(read(f), { lenient: true });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.mud?.mud.transparency, {
      sbomLocalWellKnown: 'https',
      vulnUrl: ['https://iotd.example.com/info/modelX/csaf.json'],
    });
    assert.deepEqual(r.mud?.mud.extensions, ['transparency']);
  });

  test('TLS profile (RFC 9761) example: the profile is parsed and exposed', () => {
    const r = parseMud(read(join(root, 'go-mudyang', 'tls', 'example.json')));
    assert.equal(r.mud?.mud.tlsDtlsProfileSupported, true);
    const profile = r.mud?.acls[0]?.aces[0]?.matches.tlsClientProfiles?.[0];
    assert.equal(profile?.name, 'profile1');
    assert.deepEqual(profile?.supportedTlsVersions, ['tls13']);
    assert.deepEqual(profile?.cipherSuites, [4865, 4866]);
    assert.deepEqual(profile?.supportedGroups, [29]);
  });

  test('ownership and licensing (ol) example: the licence is parsed and exposed', () => {
    const r = parseMud(read(join(root, 'go-mudyang', 'ol', 'olExample.json')));
    assert.deepEqual(r.mud?.mud.ol?.licenses, [{ ownerName: 'Copyright 2024 Frobinator, Inc', spdxTags: ['0BSD'] }]);
    assert.equal(r.mud?.mud.mudSignature, 'https://frobs.example.com/mud/Frob.p7s');
  });

  test('NIST quarantine case: the quarantined-device policy is parsed and its ACE names resolve', () => {
    const r = parseMud(read(join(root, 'nist', 'mud-quarantine-test', 'mudfile-quarantine-test.json')));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.mud?.mud.quarantine, {
      member: 'nist-mud:quarantined-device-policy',
      aclNames: [],
      enabledAceNames: ['cl0-todev', 'cl0-frdev'],
    });
  });

  test('NIST cases: each abstraction of the case name is present in the parsed model', () => {
    const expect: Record<string, (m: NonNullable<ReturnType<typeof parseMud>['mud']>) => boolean> = {
      'mud-mfg-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.manufacturer !== undefined)),
      'mud-model-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.model !== undefined)),
      'mud-same-manufacturer-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.sameManufacturer === true)),
      'mud-local-networks-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.localNetworks === true)),
      'mud-controllerclass-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.controller !== undefined)),
      'mud-mycontrollerclass-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.mud?.myController === true)),
      'mud-tcp-direction-test': (m) => m.acls.some((a) => a.aces.some((e) => e.matches.tcp?.directionInitiated !== undefined)),
      'mud-dns-test': (m) =>
        m.acls.some((a) => a.aces.some((e) => e.matches.ipv4?.dstDnsName !== undefined || e.matches.ipv6?.dstDnsName !== undefined)),
    };
    for (const [dir, check] of Object.entries(expect)) {
      const [f] = files(join(root, 'nist', dir), /(^|\/)mudfile-[^/]*\.json$/);
      assert.ok(f !== undefined, dir);
      const m = parseMud(read(f)).mud;
      assert.ok(m !== undefined && check(m), dir);
    }
  });
}
