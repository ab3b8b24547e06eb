import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntentError } from '../../src/intent/errors.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { DeviceContext } from '../../src/intent/resolve-types.ts';
import { MUD_URL, mudJson, parse } from './mud-fixture.ts';

const ctx = (over: Partial<DeviceContext> = {}): DeviceContext => ({
  mac: '02:42:AC:11:00:02',
  controllers: new Map([['urn:example:hub', ['192.0.2.10', '2001:db8::10']]]),
  myControllers: ['192.0.2.20'],
  localNetworks: ['192.168.1.7/24', 'fd00::/8'],
  names: new Map([['CLOUD.example.com.', ['198.51.100.5', '2001:db8:5::5']]]),
  manufacturers: new Map([
    ['things.example.com', ['192.0.2.30']],
    ['other.example.net', ['192.0.2.40']],
  ]),
  models: new Map([[MUD_URL, ['192.0.2.50']]]),
  ...over,
});

const firstFrom = (matches: object, c = ctx()) => resolveMud(parse(mudJson([matches])), c).fromDevice[0]?.aces[0];
const texts = (ace: ReturnType<typeof firstFrom>, side: 'src' | 'dst') => ace?.[side].flatMap((s) => s.prefixes.map((p) => p.text));

describe('resolve: RFC 8520 §8 abstractions name the peer', () => {
  const cases: [string, object, string[]][] = [
    ['manufacturer', { manufacturer: 'other.example.net' }, ['192.0.2.40/32']],
    ['same-manufacturer', { 'same-manufacturer': [null] }, ['192.0.2.30/32']],
    ['model', { model: MUD_URL }, ['192.0.2.50/32']],
    ['controller', { controller: 'urn:example:hub' }, ['192.0.2.10/32', '2001:db8:0:0:0:0:0:10/128']],
    ['my-controller', { 'my-controller': [null] }, ['192.0.2.20/32']],
    ['local-networks', { 'local-networks': [null] }, ['192.168.1.0/24', 'fd00:0:0:0:0:0:0:0/8']],
  ];
  for (const [name, mud, want] of cases) {
    test(`${name}: the destination from the device, the source to it`, () => {
      const from = firstFrom({ 'ietf-mud:mud': mud });
      assert.deepEqual(texts(from, 'dst'), want);
      assert.deepEqual(from?.src, []);
      const to = resolveMud(parse(mudJson([], [{ 'ietf-mud:mud': mud }])), ctx()).toDevice[0]?.aces[0];
      assert.deepEqual(texts(to, 'src'), want);
      assert.deepEqual(to?.dst, []);
    });
    test(`${name}: nothing in the context is ERR_INTENT_UNRESOLVED, or a warning with lenient`, () => {
      const empty = ctx({ controllers: new Map(), myControllers: [], localNetworks: [], manufacturers: new Map(), models: new Map() });
      assert.throws(
        () => firstFrom({ 'ietf-mud:mud': mud }, empty),
        (e: unknown) => e instanceof IntentError && e.code === 'ERR_INTENT_UNRESOLVED',
      );
      const p = resolveMud(parse(mudJson([{ 'ietf-mud:mud': mud }])), empty, { lenient: true });
      assert.deepEqual(p.fromDevice[0]?.aces, []);
      assert.equal(p.warnings[0]?.code, 'ERR_INTENT_UNRESOLVED');
    });
  }
});

describe('resolve: DNS names, networks and ports', () => {
  test('a dst-dnsname resolves through the names map (case and final dot ignored on both sides)', () => {
    const a = firstFrom({
      ipv4: { 'ietf-acldns:dst-dnsname': 'Cloud.Example.COM.', protocol: 6 },
      tcp: { 'destination-port': { operator: 'eq', port: 443 } },
    });
    assert.deepEqual(texts(a, 'dst'), ['198.51.100.5/32', '2001:db8:5:0:0:0:0:5/128']);
    assert.equal(a?.family, 4);
    assert.equal(a?.protocol, 6);
    assert.deepEqual(a?.dstPort, { op: 'eq', port: 443 });
  });
  test('an unknown name is ERR_INTENT_UNRESOLVED', () => {
    assert.throws(() => firstFrom({ ipv4: { 'ietf-acldns:dst-dnsname': 'nowhere.example' } }), { code: 'ERR_INTENT_UNRESOLVED' });
  });
  test('a name with only IPv4 answers in an IPv6 ACE is ERR_INTENT_UNRESOLVED', () => {
    const c = ctx({ names: new Map([['cloud.example.com', ['198.51.100.5']]]) });
    assert.throws(() => firstFrom({ ipv6: { 'ietf-acldns:dst-dnsname': 'cloud.example.com' } }, c), { code: 'ERR_INTENT_UNRESOLVED' });
  });
  test('every port operator and the range of RFC 8519', () => {
    const ops: [object, object][] = [
      [
        { operator: 'eq', port: 80 },
        { op: 'eq', port: 80 },
      ],
      [
        { operator: 'neq', port: 80 },
        { op: 'neq', port: 80 },
      ],
      [
        { operator: 'lte', port: 1023 },
        { op: 'lte', port: 1023 },
      ],
      [
        { operator: 'gte', port: 1024 },
        { op: 'gte', port: 1024 },
      ],
      [
        { 'lower-port': 5000, 'upper-port': 5010 },
        { op: 'range', lower: 5000, upper: 5010 },
      ],
    ];
    for (const [json, want] of ops) {
      const a = firstFrom({ ipv4: { protocol: 17 }, udp: { 'source-port': json, 'destination-port': json } });
      assert.deepEqual(a?.srcPort, want);
      assert.deepEqual(a?.dstPort, want);
    }
  });
  test('ICMP type and code, ethertype, direction-initiated and networks are kept', () => {
    const a = firstFrom({ ipv4: { protocol: 1, 'destination-ipv4-network': '203.0.113.9/24' }, icmp: { type: 8, code: 0 } });
    assert.deepEqual(a?.icmp, { type: 8, code: 0 });
    assert.deepEqual(texts(a, 'dst'), ['203.0.113.0/24']);
    assert.equal(firstFrom({ eth: { ethertype: 'lldp' } })?.ethertype, 0x88cc);
    const t = firstFrom({ ipv4: { protocol: 6 }, tcp: { 'ietf-mud:direction-initiated': 'from-device' } });
    assert.equal(t?.directionInitiated, 'from-device');
  });
  test('a match field the compiler cannot translate is refused, not widened', () => {
    assert.throws(() => firstFrom({ ipv4: { protocol: 6, ttl: 1 } }), { code: 'ERR_INTENT_UNSUPPORTED' });
  });
  test('the context is checked: a bad MAC, address or prefix is ERR_INTENT_CONTEXT even with lenient', () => {
    const file = parse(mudJson([{ ipv4: { protocol: 6 } }]));
    assert.throws(() => resolveMud(file, ctx({ mac: '02:42:ac:11:00' })), { code: 'ERR_INTENT_CONTEXT' });
    assert.throws(() => resolveMud(file, ctx({ ipv4: '2001:db8::1' })), { code: 'ERR_INTENT_CONTEXT' });
    assert.throws(() => resolveMud(file, ctx({ localNetworks: ['10.0.0.0/33'] }), { lenient: true }), { code: 'ERR_INTENT_CONTEXT' });
    const bad = ctx({ names: new Map([['cloud.example.com', ['1.2.3.4 } accept']]]) });
    assert.throws(() => firstFrom({ ipv4: { 'ietf-acldns:dst-dnsname': 'cloud.example.com' } }, bad), { code: 'ERR_INTENT_CONTEXT' });
  });
});

describe('resolve: one file for many devices', () => {
  const file = () =>
    parse(
      mudJson([
        { ipv4: { 'ietf-acldns:dst-dnsname': 'cloud.example.com', protocol: 6 } },
        { 'ietf-mud:mud': { controller: 'urn:example:hub' } },
        { 'ietf-mud:mud': { 'local-networks': [null] } },
      ]),
    );
  const dst = (p: ReturnType<typeof resolveMud>) => p.fromDevice[0]?.aces.map((a) => a.dst.flatMap((s) => s.prefixes.map((x) => x.text)));

  test('devices whose context gives the same addresses share the ACLs, their lists frozen; each keeps its own MAC and warnings list', () => {
    const f = file();
    const a = resolveMud(f, ctx());
    const b = resolveMud(f, ctx({ mac: '02:42:ac:11:00:03', ipv4: '192.0.2.99' }));
    assert.equal(b.fromDevice, a.fromDevice);
    assert.ok(Object.isFrozen(a.fromDevice) && Object.isFrozen(a.fromDevice[0]?.aces));
    assert.notEqual(b.warnings, a.warnings);
    assert.equal(b.mac, '02:42:ac:11:00:03');
    assert.equal(b.ipv4?.text, '192.0.2.99/32');
  });

  test('a changed DNS answer, controller or local network gives a new resolution with the new addresses', () => {
    const f = file();
    const a = resolveMud(f, ctx());
    const names = resolveMud(f, ctx({ names: new Map([['cloud.example.com', ['198.51.100.6']]]) }));
    assert.notEqual(names.fromDevice, a.fromDevice);
    assert.deepEqual(dst(names)?.[0], ['198.51.100.6/32']);
    const controllers = resolveMud(f, ctx({ controllers: new Map([['urn:example:hub', ['192.0.2.11']]]) }));
    assert.deepEqual(dst(controllers)?.[1], ['192.0.2.11/32']);
    const local = resolveMud(f, ctx({ localNetworks: ['10.0.0.0/8'] }));
    assert.deepEqual(dst(local)?.[2], ['10.0.0.0/8']);
    // Back to the first context: the first addresses again.
    assert.deepEqual(dst(resolveMud(f, ctx())), dst(a));
  });

  test("changing a context's arrays after the call does not change the next resolution", () => {
    const f = file();
    const answers = ['198.51.100.5'];
    const c = ctx({ names: new Map([['cloud.example.com', answers]]) });
    resolveMud(f, c);
    answers[0] = '198.51.100.77';
    assert.deepEqual(dst(resolveMud(f, c))?.[0], ['198.51.100.77/32']);
  });

  test('the lenient and strict readings are not mixed up', () => {
    const f = file();
    const c = ctx({ names: new Map() });
    assert.equal(resolveMud(f, c, { lenient: true }).warnings.length, 1);
    assert.throws(() => resolveMud(f, c), { code: 'ERR_INTENT_UNRESOLVED' });
  });
});
