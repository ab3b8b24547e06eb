/** Authoring: every file the builder writes validates strictly, and says what the description says. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MudBuilder, type Peer } from '../../src/mud/author/builder.ts';
import { MudSpecError } from '../../src/mud/author/errors.ts';
import { mudFromSpec } from '../../src/mud/author/spec.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { Prng } from '../helpers/random.ts';

const NOW = new Date('2026-12-01T08:00:00Z');

const thermostat = {
  manufacturer: 'Example Thermostats',
  model: 'T1',
  mudUrl: 'https://thermo.example.org/mud/t1.json',
  documentation: 'https://thermo.example.org/docs/t1',
  supportedUntil: '2031-12-31',
  cloud: [
    { domain: 'api.thermo.example.org', protocol: 'tcp', port: 443 },
    { domain: 'pool.ntp.org', protocol: 'udp', port: 123 },
  ],
  local: [{ protocol: 'tcp', port: 80, initiatedBy: 'peer' }],
  controllers: [{ uri: 'urn:ietf:params:mud:dns', protocol: 'udp', port: 53 }],
  myController: [{ protocol: 'tcp', port: 8883 }],
  sameManufacturer: [{ protocol: 'udp', port: 5353 }],
  manufacturers: [{ authority: 'hub.example.com', protocol: 'tcp', port: 8443 }],
  sbom: { url: 'https://thermo.example.org/sbom/t1-1.2.cdx.json', version: '1.2' },
  vulnerabilities: ['https://thermo.example.org/csaf/t1.json'],
};

test('a full description becomes a strictly valid MUD file, also after a JSON round trip', () => {
  const { json, mud } = mudFromSpec(thermostat, NOW);
  const again = parseMud(JSON.stringify(json, null, 2));
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.warnings, []);
  assert.deepEqual(again.mud, mud);
  assert.equal(mud.mud.mfgName, 'Example Thermostats');
  assert.equal(mud.mud.lastUpdate, '2026-12-01T08:00:00+00:00');
  assert.equal(mud.mud.isSupported, true);
  assert.deepEqual(mud.mud.extensions, ['transparency']);
  assert.deepEqual(mud.mud.transparency, {
    sboms: [{ versionInfo: '1.2', sbomUrl: 'https://thermo.example.org/sbom/t1-1.2.cdx.json' }],
    vulnUrl: ['https://thermo.example.org/csaf/t1.json'],
  });
  // Two families, two directions: four ACLs, each with one ACE per flow.
  assert.equal(mud.acls.length, 4);
  for (const a of mud.acls) assert.equal(a.aces.length, 7);
});

test('a device-initiated TCP flow is written as in the RFC 8520 example (destination port out, source port back)', () => {
  const { mud } = mudFromSpec({ ...thermostat, ipVersions: ['ipv6'] }, NOW);
  const fr = mud.acls.find((a) => a.name.endsWith('v6fr'));
  const to = mud.acls.find((a) => a.name.endsWith('v6to'));
  const out = fr?.aces[0]?.matches;
  const back = to?.aces[0]?.matches;
  assert.equal(out?.ipv6?.dstDnsName, 'api.thermo.example.org');
  assert.deepEqual(out?.tcp, { directionInitiated: 'from-device', destinationPort: { kind: 'operator', operator: 'eq', port: 443 } });
  assert.equal(back?.ipv6?.srcDnsName, 'api.thermo.example.org');
  assert.deepEqual(back?.tcp, { directionInitiated: 'from-device', sourcePort: { kind: 'operator', operator: 'eq', port: 443 } });
  // The local web server: the peer connects to port 80 on the device.
  const local = fr?.aces.find((a) => a.name.startsWith('loc0'))?.matches;
  assert.equal(local?.mud?.localNetworks, true);
  assert.deepEqual(local?.tcp, { directionInitiated: 'to-device', sourcePort: { kind: 'operator', operator: 'eq', port: 80 } });
  const ntp = to?.aces.find((a) => a.name === 'cl1-todev')?.matches;
  assert.deepEqual(ntp?.udp, { sourcePort: { kind: 'operator', operator: 'eq', port: 123 } });
  assert.equal(ntp?.ipv6?.protocol, 17);
});

test('the support period decides is-supported against the time of writing', () => {
  assert.equal(mudFromSpec({ ...thermostat, supportedUntil: '2026-11-30' }, NOW).mud.mud.isSupported, false);
  assert.equal(mudFromSpec({ ...thermostat, supportedUntil: new Date('2027-01-01') }, NOW).mud.mud.isSupported, true);
  assert.equal(mudFromSpec({ ...thermostat, supported: false }, NOW).mud.mud.isSupported, false);
});

test('a description with only the basics gives a file without ACLs', () => {
  const { mud, json } = mudFromSpec({ manufacturer: 'M', model: 'X', mudUrl: 'https://m.example/x' }, NOW);
  assert.equal(mud.acls.length, 0);
  assert.equal(mud.mud.fromDevicePolicy, undefined);
  assert.equal(Object.keys(json).length, 1);
  assert.equal(mud.mud.systeminfo, 'M X');
});

test('every problem of a malformed description is reported at once', () => {
  try {
    mudFromSpec(
      { model: 7, mudUrl: 'https://m.example/x', cloud: [{ protocol: 'sctp', port: 70000 }], colour: 'red', cacheValidity: 0 },
      NOW,
    );
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof MudSpecError);
    assert.equal(e.code, 'ERR_MUD_SPEC');
    for (const where of ['manufacturer', 'model', 'cloud[0].protocol', 'cloud[0].port', 'cloud[0].domain', 'colour', 'cacheValidity'])
      assert.ok(
        e.problems.some((p) => p.startsWith(`${where}:`)),
        `${where} in ${JSON.stringify(e.problems)}`,
      );
  }
});

test("values that make an invalid MUD file are refused with the validator's reasons", () => {
  for (const [spec, path] of [
    [{ ...thermostat, mudUrl: 'http://thermo.example.org/t1' }, '/ietf-mud:mud/mud-url'],
    [{ ...thermostat, cloud: [{ domain: 'not a name', port: 443 }] }, '/ietf-acldns:dst-dnsname'],
    [{ ...thermostat, controllers: [{ uri: 'no uri', port: 1 }] }, '/ietf-mud:mud/controller'],
  ] as const) {
    assert.throws(
      () => mudFromSpec(spec, NOW),
      (e: unknown) => e instanceof MudSpecError && e.code === 'ERR_MUD_SPEC_INVALID' && e.problems.some((p) => p.includes(path)),
    );
  }
});

test('round trip: generated descriptions of every peer kind and flow shape all validate strictly', () => {
  // A deterministic walk over the builder's whole input space.
  const prng = new Prng(0x2545f491);
  const next = (n: number): number => prng.below(n);
  const peers: Peer[] = [
    { kind: 'domain', name: 'a.example.com' },
    { kind: 'domain', name: 'xn--bcher-kva.example' },
    { kind: 'local-networks' },
    { kind: 'controller', uri: 'urn:ietf:params:mud:ntp' },
    { kind: 'my-controller' },
    { kind: 'same-manufacturer' },
    { kind: 'manufacturer', authority: 'other.example.net' },
    { kind: 'model', mudUrl: 'https://other.example.net/mud/bridge' },
  ];
  const families: ('ipv4' | 'ipv6')[][] = [['ipv4'], ['ipv6'], ['ipv4', 'ipv6']];
  for (let i = 0; i < 200; i++) {
    const chosen = families[next(3)] as ('ipv4' | 'ipv6')[];
    const b = new MudBuilder({
      mudUrl: `https://m${i}.example/mud/device-${i}.json`,
      lastUpdate: '2026-12-01T00:00:00Z',
      cacheValidity: 1 + next(168),
      modelName: `Model ${i} ${'x'.repeat(next(80))}`,
      ipVersions: chosen,
    });
    const flows = next(30);
    for (let f = 0; f < flows; f++) {
      const flow = {
        protocol: next(2) === 0 ? ('tcp' as const) : ('udp' as const),
        initiatedBy: next(2) === 0 ? ('device' as const) : ('peer' as const),
      };
      b.allow(peers[next(peers.length)] as Peer, next(4) === 0 ? flow : { ...flow, port: next(65536) });
    }
    if (next(3) === 0) b.transparency({ sbomLocalWellKnown: 'https', vulnUrls: ['https://v.example/csaf.json'] });
    const { json } = b.build();
    const r = parseMud(JSON.stringify(json));
    assert.deepEqual(r.errors, [], `description ${i}`);
    // Each flow is one ACE in every ACL: from and to the device, per address family.
    for (const a of r.mud?.acls ?? []) assert.equal(a.aces.length, flows);
    assert.equal(r.mud?.acls.length, flows === 0 ? 0 : 2 * chosen.length);
  }
});
