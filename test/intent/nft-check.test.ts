/**
 * The compiled scripts against the real nft: checked with `nft -c -f -` and applied twice with
 * `nft -f -` inside a network namespace the test makes and deletes. Needs nft and root.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { DeviceContext } from '../../src/intent/resolve-types.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath } from '../helpers/vectors.ts';
import { MUD_URL, mudJson, parse } from './mud-fixture.ts';

const hasNft = spawnSync('nft', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const skip = !hasNft
  ? 'nft is not installed (apt-get install nftables): the nft check is skipped'
  : !isRoot
    ? 'not root: cannot make a network namespace, the nft check is skipped'
    : false;

const ctx: DeviceContext = {
  mac: '02:42:ac:11:00:02',
  ipv4: '192.0.2.2',
  ipv6: '2001:db8::2',
  controllers: new Map([['urn:example:hub', ['192.0.2.10', '2001:db8::10']]]),
  myControllers: ['192.0.2.20'],
  localNetworks: ['192.168.1.0/24', '192.168.0.0/16', 'fd00::/8'],
  names: new Map([['test.example.com', ['2001:db8:1::10', '192.0.2.1']]]),
  manufacturers: new Map([['things.example.com', ['192.0.2.30']]]),
  models: new Map([[MUD_URL, ['192.0.2.50']]]),
};

const everything = mudJson(
  [
    {
      ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'test.example.com' },
      tcp: { 'destination-port': { operator: 'eq', port: 443 }, 'ietf-mud:direction-initiated': 'from-device' },
    },
    { ipv4: { protocol: 17 }, udp: { 'destination-port': { operator: 'neq', port: 9 }, 'source-port': { operator: 'gte', port: 1024 } } },
    {
      ipv6: { protocol: 17 },
      udp: { 'destination-port': { 'lower-port': 5000, 'upper-port': 5010 }, 'source-port': { operator: 'lte', port: 1023 } },
    },
    { ipv4: { protocol: 1 }, icmp: { type: 8, code: 0 } },
    { ipv6: { protocol: 58 }, icmp: { type: 128 } },
    { eth: { ethertype: 'lldp' } },
    { 'ietf-mud:mud': { 'local-networks': [null] } },
    { 'ietf-mud:mud': { controller: 'urn:example:hub' } },
    { 'ietf-mud:mud': { 'my-controller': [null] } },
    { 'ietf-mud:mud': { 'same-manufacturer': [null] } },
    { 'ietf-mud:mud': { manufacturer: 'things.example.com' } },
    { 'ietf-mud:mud': { model: MUD_URL } },
  ],
  [{ ipv4: { protocol: 6 }, tcp: { 'source-port': { operator: 'eq', port: 8443 }, 'ietf-mud:direction-initiated': 'to-device' } }],
);

describe('nft accepts the compiled scripts', { skip }, () => {
  const ns = `iotopia-t-${randomBytes(4).toString('hex')}`;
  const nft = (args: string[], script: string) =>
    spawnSync('ip', ['netns', 'exec', ns, 'nft', ...args], { input: script, encoding: 'utf8' });
  before(() => assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0, `ip netns add ${ns}`));
  after(() => spawnSync('ip', ['netns', 'delete', ns]));

  test('every match field, abstraction and port operator passes nft -c, and applies twice', () => {
    const script = compileNft(resolveMud(parse(everything), ctx), { dnsServers: ['192.0.2.53', '2001:db8::53'] });
    const check = nft(['-c', '-f', '-'], script);
    assert.equal(check.status, 0, check.stderr);
    for (const round of [1, 2]) {
      const r = nft(['-f', '-'], script);
      assert.equal(r.status, 0, `apply ${round}: ${r.stderr}`);
    }
    const listed = nft(['list', 'chain', 'inet', 'iotopia', 'd_0242ac110002_from'], '');
    assert.equal(listed.status, 0, listed.stderr);
    assert.equal(listed.stdout.match(/jump d_0242ac110002_f0/g)?.length, 1, 're-applying replaces the rules instead of adding to them');
  });

  const lightbulb = vectorPath('mud', 'rfc8520-lightbulb2000.json');
  test('the RFC 8520 lightbulb vector passes nft -c', { skip: lightbulb === undefined && 'shared vectors absent' }, () => {
    const file = parseMud(readFileSync(lightbulb as string)).mud;
    assert.ok(file !== undefined);
    const r = nft(['-c', '-f', '-'], compileNft(resolveMud(file, ctx)));
    assert.equal(r.status, 0, r.stderr);
  });

  test('a script with a broken rule is refused as a whole and leaves the previous ruleset intact', () => {
    const good = compileNft(resolveMud(parse(everything), ctx));
    assert.equal(nft(['-f', '-'], good).status, 0);
    const before = nft(['list', 'ruleset'], '').stdout;
    const broken = good.replace('drop\n', 'drop\nadd rule inet iotopia d_0242ac110002_from no-such-expression\n');
    assert.notEqual(nft(['-f', '-'], broken.replaceAll('tcp dport 443', 'tcp dport 444')).status, 0);
    assert.equal(nft(['list', 'ruleset'], '').stdout, before);
  });
});
