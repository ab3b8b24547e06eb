/**
 * The nftables enforcer on a real kernel, in namespaces made here: atomic apply, idempotence, a
 * failing script that changes nothing, replacing a policy without leftovers, removing one device
 * without touching another, a missing nft, and the default-deny counters. Needs root and nft.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { IntentError } from '../../../src/intent/errors.ts';
import { nftEnforcer } from '../../../src/intent/nft/nft-enforcer.ts';
import { compileNft } from '../../../src/intent/nft-compile.ts';
import { resolveMud } from '../../../src/intent/resolve.ts';
import { mudJson, parse } from '../mud-fixture.ts';
import { deleteNamespaces, routedPair, ruleset, sendUdp, sh, skipReason } from './netns.ts';

const skip = skipReason();
const tag = `${process.pid % 10000}${randomBytes(2).toString('hex')}`;
const [R, A, C, E] = ['r', 'a', 'c', 'e'].map((n) => `iot-enf-${tag}${n}`) as [string, string, string, string];
const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';

const TCP_8080 = {
  ipv4: { protocol: 6, 'destination-ipv4-network': '198.51.100.0/24' },
  tcp: { 'destination-port': { operator: 'eq', port: 8080 } },
};
const UDP_53 = {
  ipv4: { protocol: 17, 'destination-ipv4-network': '198.51.100.53/32' },
  udp: { 'destination-port': { operator: 'eq', port: 53 } },
};

/** A file with the from-device ACL `from` and, when `extra`, a second from-device ACL. */
function fileJson(aces: object[], extra: boolean): object {
  const json = mudJson(aces, [TCP_8080]) as Record<string, Record<string, unknown>>;
  if (!extra) return json;
  const mud = json['ietf-mud:mud'] as { 'from-device-policy': { 'access-lists': { 'access-list': object[] } } };
  mud['from-device-policy']['access-lists']['access-list'].push({ name: 'extra' });
  const acls = json['ietf-access-control-list:acls'] as { acl: object[] };
  acls.acl.push({
    name: 'extra',
    type: 'mixed-eth-ipv4-ipv6-acl-type',
    aces: { ace: [{ name: 'x', matches: UDP_53, actions: { forwarding: 'accept' } }] },
  });
  return json;
}

function script(mac: string, ipv4: string, aces: object[] = [TCP_8080, UDP_53], extra = true, name?: string): string {
  const policy = resolveMud(parse(fileJson(aces, extra)), {
    mac,
    ipv4,
    controllers: new Map(),
    myControllers: [],
    localNetworks: [],
    names: new Map(),
  });
  return compileNft(policy, name === undefined ? {} : { deviceName: name });
}

const code = (want: string) => (e: unknown) => (e as IntentError).code === want;

describe('nftEnforcer', { skip }, () => {
  const enforcer = nftEnforcer({ netns: R });
  before(() => {
    routedPair(R, A, C, MAC_A, tag);
    sh('ip', 'netns', 'add', E);
  });
  after(() => deleteNamespaces(R, A, C, E));

  test('apply makes the device chains; applying the same script again gives the same ruleset', async () => {
    await enforcer.apply(script(MAC_A, '192.0.2.2', undefined, true, 'lamp-1'));
    const first = ruleset(R);
    for (const want of [
      'chain d_02000000000a_from',
      'chain d_02000000000a_f1',
      'update @drops_from { ether saddr }',
      '192.0.2.2 : jump d_02000000000a_to',
    ])
      assert.ok(first.includes(want), `missing ${want}`);
    await enforcer.apply(script(MAC_A, '192.0.2.2', undefined, true, 'lamp-1'));
    assert.equal(ruleset(R), first);
    assert.deepEqual(await enforcer.devices(), [{ mac: MAC_A, name: 'lamp-1' }]);
  });

  test('a failing script leaves the ruleset byte-identical and throws ERR_INTENT_APPLY with nft’s error', async () => {
    const before = ruleset(R);
    const broken = script(MAC_B, '192.0.2.3').replace('to_dev4 { 192.0.2.3 :', 'to_dev4 { 192.0.2.300 :');
    assert.notEqual(broken, script(MAC_B, '192.0.2.3'));
    await assert.rejects(enforcer.apply(broken), (e: IntentError) => e.code === 'ERR_INTENT_APPLY' && /192\.0\.2\.300/.test(e.message));
    assert.equal(ruleset(R), before);
  });

  test('re-applying with fewer ACLs and a new address leaves no chain, set or element of the old file', async () => {
    await enforcer.apply(script(MAC_A, '192.0.2.9', [TCP_8080], false, 'lamp-1'));
    const now = ruleset(R);
    assert.ok(now.includes('chain d_02000000000a_f0'));
    for (const gone of ['d_02000000000a_f1', 'd_02000000000a_f0_1_', '192.0.2.2 :'])
      assert.ok(!now.includes(gone), `left over: ${gone}\n${now}`);
    assert.ok(now.includes('192.0.2.9 : jump d_02000000000a_to'));
    await enforcer.apply(script(MAC_A, '192.0.2.2', undefined, true, 'lamp-1'));
  });

  test('an address taken over by another device moves to it in the same transaction', async () => {
    await enforcer.apply(script(MAC_B, '192.0.2.2'));
    const now = ruleset(R);
    assert.ok(now.includes('192.0.2.2 : jump d_02000000000b_to') && !now.includes('192.0.2.2 : jump d_02000000000a_to'), now);
    await enforcer.apply(script(MAC_B, '192.0.2.3'));
    await enforcer.apply(script(MAC_A, '192.0.2.2', undefined, true, 'lamp-1'));
  });

  test('removeDevice removes everything of that device and nothing of another', async () => {
    const withB = ruleset(R);
    assert.ok(withB.includes('d_02000000000b_from'));
    await enforcer.removeDevice('02-00-00-00-00-0B');
    const after = ruleset(R);
    assert.ok(!after.includes('d_02000000000b'), after);
    assert.ok(!after.includes('02:00:00:00:00:0b'), after);
    await enforcer.apply(script(MAC_A, '192.0.2.2', undefined, true, 'lamp-1'));
    assert.equal(ruleset(R), after, 'device A is as it was');
    await enforcer.removeDevice(MAC_B);
    assert.equal(ruleset(R), after, 'nothing to remove is fine');
  });

  test('one script with several devices applies them in one transaction, each completed against the table', async () => {
    const C1 = '02:00:00:00:00:c1';
    const C2 = '02:00:00:00:00:c2';
    await enforcer.apply(script(C1, '192.0.2.41') + script(C2, '192.0.2.42'));
    let now = ruleset(R);
    assert.ok(now.includes('d_0200000000c1_f1') && now.includes('d_0200000000c2_f1'), now);
    await enforcer.apply(script(C1, '192.0.2.41', [TCP_8080], false) + script(C2, '192.0.2.43', [TCP_8080], false));
    now = ruleset(R);
    for (const gone of ['d_0200000000c1_f1', 'd_0200000000c2_f1', '192.0.2.42 :']) assert.ok(!now.includes(gone), `left over: ${gone}`);
    assert.ok(now.includes('192.0.2.43 : jump d_0200000000c2_to'));
    await enforcer.removeDevice(C1);
    await enforcer.removeDevice(C2);
    assert.ok(!ruleset(R).includes('d_0200000000c'));
  });

  test('devices whose ACEs resolved alike share a set; the last one to stop using it deletes it', async () => {
    const S1 = '02:00:00:00:00:d1';
    const S2 = '02:00:00:00:00:d2';
    const sets = () => [...ruleset(R).matchAll(/^\tset (a_[0-9a-f]{13}) \{/gm)].map((m) => m[1]);
    const only53 = [{ ...UDP_53, ipv4: { ...UDP_53.ipv4, 'destination-ipv4-network': '203.0.113.53/32' } }];
    const base = sets();
    await enforcer.apply(script(S1, '192.0.2.51', only53, false));
    const one = sets();
    assert.equal(one.length, base.length + 1, 'one new set, 203.0.113.53: device A uses the 198.51.100.0/24 one already');
    await enforcer.apply(script(S2, '192.0.2.52', only53, false));
    assert.deepEqual(sets(), one, 'the second device uses the same sets');
    await enforcer.apply(script(S1, '192.0.2.51', [TCP_8080], false));
    assert.deepEqual(sets(), one, 'S2 still uses the 203.0.113.53 set');
    await enforcer.removeDevice(S2);
    assert.deepEqual(sets().sort(), base.sort(), 'no device uses 203.0.113.53 any more');
    await enforcer.removeDevice(S1);
    assert.ok(!ruleset(R).includes('02:00:00:00:00:d'), 'no refs element is left');
  });

  test('a set still used by a rule the refs set does not know of is kept, and the change is applied', async () => {
    const S3 = '02:00:00:00:00:d3';
    const only = [{ ...UDP_53, ipv4: { ...UDP_53.ipv4, 'destination-ipv4-network': '203.0.113.99/32' } }];
    await enforcer.apply(script(S3, '192.0.2.53', only, false));
    const refs = ruleset(R).match(/02:00:00:00:00:d3 \. "(a_[0-9a-f]{13})"/g) ?? [];
    assert.ok(refs.length > 0);
    for (const r of refs) sh('ip', 'netns', 'exec', R, 'nft', `delete element inet iotopia refs { ${r} }`);
    const S4 = '02:00:00:00:00:d4';
    await enforcer.apply(script(S4, '192.0.2.54', only, false));
    await enforcer.removeDevice(S4);
    assert.ok(ruleset(R).includes('203.0.113.99'), 'the set S3 uses is still there');
    await enforcer.removeDevice(S3);
  });

  test('removeDevice and dropCounters in a namespace without the table are no-ops', async () => {
    const empty = nftEnforcer({ netns: E });
    await empty.removeDevice(MAC_A);
    assert.equal((await empty.dropCounters()).size, 0);
    assert.equal(ruleset(E), '');
  });

  test('a missing nft is ERR_INTENT_NFT_MISSING, inside a namespace and outside', async () => {
    const nftPath = `/nonexistent/nft-${tag}`;
    await assert.rejects(nftEnforcer({ netns: R, nftPath }).apply('list ruleset\n'), code('ERR_INTENT_NFT_MISSING'));
    await assert.rejects(nftEnforcer({ nftPath }).removeDevice(MAC_A), code('ERR_INTENT_NFT_MISSING'));
  });

  test('the default-deny counters count the packets dropped in each direction', async () => {
    const before = (await enforcer.dropCounters()).get(MAC_A) ?? { from: 0, to: 0 };
    sendUdp(A, '198.51.100.2', 9999, 5);
    sendUdp(C, '192.0.2.2', 9999, 3);
    const now = (await enforcer.dropCounters()).get(MAC_A);
    assert.ok(now !== undefined);
    assert.equal(now.from - before.from, 5);
    assert.equal(now.to - before.to, 3);
  });
});
