import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { DeviceContext } from '../../src/intent/resolve-types.ts';
import { compileMatcher } from '../../src/intent/verdict/matcher.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';
import { mudJson, parse } from './mud-fixture.ts';

const MAC = '02:42:ac:11:00:02';
const T = 'inet iotopia';
const ctx = (over: Partial<DeviceContext> = {}): DeviceContext => ({
  mac: MAC,
  controllers: new Map(),
  myControllers: [],
  localNetworks: [],
  names: new Map([['test.example.com', ['2001:db8:1::10', '192.0.2.1']]]),
  ...over,
});
const lines = (script: string) => script.split('\n');

/** The elements of the shared set `name` as the script declares it. */
function elementsOf(script: string, name: string): string | undefined {
  const m = new RegExp(`^add set ${T} ${name} \\{ type \\w+; flags interval; elements = \\{ (.*) \\}; \\}$`, 'm').exec(script);
  return m?.[1];
}

/** A rule with its shared set names replaced by the set's elements in angle brackets. */
const withElements = (script: string, rule: string): string =>
  rule.replace(/@(a_[0-9a-f]{13})/g, (_, n: string) => `<${elementsOf(script, n) ?? 'undeclared'}>`);

const lightbulb = vectorPath('mud', 'rfc8520-lightbulb2000.json');

describe('compile: the RFC 8520 lightbulb vector', {
  skip: lightbulb === undefined && vectorsMissing('mud/rfc8520-lightbulb2000.json'),
}, () => {
  test('one accept per direction, conntrack for direction-initiated, default deny, the device keyed by MAC', () => {
    const file = parseMud(readFileSync(lightbulb as string)).mud;
    assert.ok(file !== undefined);
    const script = compileNft(resolveMud(file, ctx({ ipv6: '2001:db8::2' })), { dnsServers: ['192.0.2.53'] });
    const l = lines(script).map((x) => withElements(script, x));
    for (const want of [
      `add rule ${T} d_0242ac110002_f0 meta nfproto ipv6 meta l4proto 6 ip6 daddr <2001:db8:1:0:0:0:0:10> tcp dport 443 ct state new accept`,
      `add rule ${T} d_0242ac110002_t0 meta nfproto ipv6 meta l4proto 6 ip6 saddr <2001:db8:1:0:0:0:0:10> tcp sport 443 ct state established,related accept`,
      `add rule ${T} from_device ct state established,related accept`,
      `add rule ${T} from_device ether saddr vmap @from_dev`,
      `add rule ${T} to_device ct state established,related accept`,
      `add rule ${T} to_device ether daddr vmap @to_dev`,
      `add rule ${T} d_0242ac110002_from ip daddr 192.0.2.53 tcp dport 53 accept`,
      `add rule ${T} d_0242ac110002_from ip daddr 192.0.2.53 udp dport 53 accept`,
      `add element ${T} from_dev { ${MAC} : jump d_0242ac110002_from }`,
      `add element ${T} to_dev6 { 2001:db8:0:0:0:0:0:2 : jump d_0242ac110002_to }`,
    ]) {
      assert.ok(l.includes(want), `missing: ${want}`);
    }
    // Default deny: each direction chain ends in drop, after the jumps to its ACL chains.
    const from = l.filter((x) => x.startsWith(`add rule ${T} d_0242ac110002_from `));
    const to = l.filter((x) => x.startsWith(`add rule ${T} d_0242ac110002_to `));
    assert.deepEqual(from.slice(-3), [
      `add rule ${T} d_0242ac110002_from jump d_0242ac110002_f0`,
      `add rule ${T} d_0242ac110002_from update @drops_from { ether saddr }`,
      `add rule ${T} d_0242ac110002_from drop`,
    ]);
    assert.deepEqual(to.slice(-4), [
      `add rule ${T} d_0242ac110002_to jump d_0242ac110002_t0`,
      `add rule ${T} d_0242ac110002_to meta nfproto ipv4 update @drops_to4 { ip daddr }`,
      `add rule ${T} d_0242ac110002_to meta nfproto ipv6 update @drops_to6 { ip6 daddr }`,
      `add rule ${T} d_0242ac110002_to drop`,
    ]);
    // The device's own chains are emptied in the same script, before they are filled.
    assert.ok(l.indexOf(`flush chain ${T} d_0242ac110002_f0`) < l.findIndex((x) => x.startsWith(`add rule ${T} d_0242ac110002_f0 `)));
    // The one shared set is declared once and recorded as the device's.
    const sets = l.filter((x) => x.startsWith(`add set ${T} `));
    assert.equal(sets.length, 1);
    const name = /a_[0-9a-f]{13}/.exec(sets[0] as string)?.[0];
    assert.ok(lines(script).includes(`add element ${T} refs { ${MAC} . "${name}" }`));
    // No anonymous set: every `{` of a rule is a set update or a refs element.
    assert.deepEqual(
      l.filter((x) => x.startsWith('add rule') && x.includes('{') && !x.includes('update @drops_')),
      [],
    );
  });
});

describe('compile: match fields', () => {
  const ruleOf = (matches: object): string[] =>
    lines(compileNft(resolveMud(parse(mudJson([matches])), ctx()))).filter((x) => x.startsWith(`add rule ${T} d_0242ac110002_f0 `));
  test('every port operator and the range', () => {
    const cases: [object, string][] = [
      [{ operator: 'eq', port: 80 }, 'udp dport 80'],
      [{ operator: 'neq', port: 80 }, 'udp dport != 80'],
      [{ operator: 'lte', port: 1023 }, 'udp dport <= 1023'],
      [{ operator: 'gte', port: 1024 }, 'udp dport >= 1024'],
      [{ 'lower-port': 5000, 'upper-port': 5010 }, 'udp dport 5000-5010'],
    ];
    for (const [json, want] of cases) {
      assert.deepEqual(ruleOf({ ipv4: { protocol: 17 }, udp: { 'destination-port': json } }), [
        `add rule ${T} d_0242ac110002_f0 meta nfproto ipv4 meta l4proto 17 ${want} accept`,
      ]);
    }
  });
  test('ICMP and ICMPv6 type and code, ethertype', () => {
    assert.deepEqual(ruleOf({ ipv4: { protocol: 1 }, icmp: { type: 8, code: 0 } }), [
      `add rule ${T} d_0242ac110002_f0 meta nfproto ipv4 meta l4proto 1 icmp type 8 icmp code 0 accept`,
    ]);
    assert.deepEqual(ruleOf({ ipv6: { protocol: 58 }, icmp: { type: 128 } }), [
      `add rule ${T} d_0242ac110002_f0 meta nfproto ipv6 meta l4proto 58 icmpv6 type 128 accept`,
    ]);
    assert.deepEqual(ruleOf({ eth: { ethertype: 'lldp' } }), [`add rule ${T} d_0242ac110002_f0 ether type 0x88cc accept`]);
  });
  test('an abstraction without an IP family gives one rule per family that has addresses', () => {
    const script = compileNft(
      resolveMud(parse(mudJson([{ 'ietf-mud:mud': { 'my-controller': [null] } }])), ctx({ myControllers: ['192.0.2.20', '2001:db8::20'] })),
    );
    const rules = lines(script).filter((x) => x.startsWith(`add rule ${T} d_0242ac110002_f0 `));
    assert.deepEqual(
      rules.map((r) => withElements(script, r)),
      [
        `add rule ${T} d_0242ac110002_f0 meta nfproto ipv4 ip daddr <192.0.2.20> accept`,
        `add rule ${T} d_0242ac110002_f0 meta nfproto ipv6 ip6 daddr <2001:db8:0:0:0:0:0:20> accept`,
      ],
    );
  });
  test('--no-basics leaves only the ACL jumps and the drop', () => {
    const script = compileNft(resolveMud(parse(mudJson([{ ipv4: { protocol: 6 } }])), ctx()), { basics: false });
    assert.deepEqual(
      lines(script).filter((x) => x.startsWith(`add rule ${T} d_0242ac110002_from `)),
      [
        `add rule ${T} d_0242ac110002_from jump d_0242ac110002_f0`,
        `add rule ${T} d_0242ac110002_from update @drops_from { ether saddr }`,
        `add rule ${T} d_0242ac110002_from drop`,
      ],
    );
  });
});

describe('compile: strings from the file cannot change the script', () => {
  const evil = 'x } ; flush ruleset ;\nadd rule inet iotopia forward accept # {';
  test('ACL, ACE and DNS names with } ; and newline give the same script as plain names', () => {
    const build = (acl: string, ace: string, name: string) => {
      const file = parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': 'a.example.com', protocol: 6 } }]));
      // The model is what a lenient or hostile source can hand the resolver: set the names directly.
      const a = file.acls[0];
      assert.ok(
        a !== undefined && a.aces[0] !== undefined && a.aces[0].matches.ipv4 !== undefined && file.mud.fromDevicePolicy !== undefined,
      );
      a.name = acl;
      a.aces[0].name = ace;
      a.aces[0].matches.ipv4.dstDnsName = name;
      file.mud.fromDevicePolicy.aclNames = [acl];
      return compileNft(resolveMud(file, ctx({ names: new Map([[name.toLowerCase(), ['192.0.2.7']]]) })));
    };
    const plain = build('from', 'ace0', 'a.example.com');
    const hostile = build(evil, evil, evil);
    assert.equal(hostile, plain);
    assert.ok(!hostile.includes('flush ruleset'));
  });
  test('a controller URI with nft syntax is only a map key; an address with nft syntax is refused', () => {
    const file = parse(mudJson([{ 'ietf-mud:mud': { controller: 'urn:x' } }]));
    const uri = file.acls[0]?.aces[0]?.matches.mud;
    assert.ok(uri !== undefined);
    uri.controller = evil;
    const script = compileNft(resolveMud(file, ctx({ controllers: new Map([[evil, ['192.0.2.9']]]) })));
    assert.ok(!script.includes('flush ruleset') && !script.includes('#  {'));
    assert.throws(() => compileNft(resolveMud(file, ctx({ controllers: new Map([[evil, ['192.0.2.9 } accept']]]) }))), {
      code: 'ERR_INTENT_CONTEXT',
    });
    assert.throws(
      () =>
        compileNft(resolveMud(file, ctx({ controllers: new Map([[evil, ['192.0.2.9']]]) })), { dnsServers: ['1.1.1.1; flush ruleset'] }),
      {
        code: 'ERR_INTENT_CONTEXT',
      },
    );
  });
});

describe('compile: device interfaces', () => {
  const policy = () => resolveMud(parse(mudJson([{ ipv4: { protocol: 6 } }])), ctx({ ipv4: '192.0.2.2' }));
  const toDevice = (script: string) => lines(script).filter((x) => x.startsWith(`add rule ${T} to_device `));
  test('one drop rule per interface, after the to-device dispatch; none without the option', () => {
    assert.deepEqual(toDevice(compileNft(policy(), { deviceInterfaces: ['lan0', 'wlan0.5'] })), [
      `add rule ${T} to_device ct state established,related accept`,
      `add rule ${T} to_device ether daddr vmap @to_dev`,
      `add rule ${T} to_device ip daddr vmap @to_dev4`,
      `add rule ${T} to_device ip6 daddr vmap @to_dev6`,
      `add rule ${T} to_device oifname "lan0" counter drop`,
      `add rule ${T} to_device oifname "wlan0.5" counter drop`,
    ]);
    const plain = compileNft(policy());
    assert.equal(toDevice(plain).length, 4);
    assert.equal(compileNft(policy(), { deviceInterfaces: [] }), plain);
    assert.ok(!plain.includes('oifname'));
    assert.ok(!compileNft(policy(), { deviceInterfaces: ['lan0'] }).includes('add set'), 'no set is added for the interfaces');
  });
  test('a name that is not an interface name is refused, by the compiler and by the verdict engine', () => {
    for (const bad of ['', 'a-name-of-16-chr', 'lan0" accept', 'lan0 }', 'eth0\n', 'br/0', 'wl*', 'eth0@if2']) {
      for (const run of [
        () => compileNft(policy(), { deviceInterfaces: ['lan0', bad] }),
        () => compileMatcher([policy()], { deviceInterfaces: [bad] }),
      ])
        assert.throws(
          run,
          (e: unknown) => {
            const err = e as { code?: string; where?: string; message?: string };
            return (
              err.code === 'ERR_INTENT_CONTEXT' && err.where === 'device-interface' && /is not an interface name/.test(err.message ?? '')
            );
          },
          JSON.stringify(bad),
        );
    }
    assert.doesNotThrow(() => compileNft(policy(), { deviceInterfaces: ['a-name-of-15-ch'] }));
  });
});
