/**
 * `iotopia intent apply` and `intent remove` on nftables in a namespace made here: apply records
 * the device name, remove finds the device by name or MAC, and the exit codes of the CLI contract
 * (2 bad input, 1 nft refused the change). Needs root and nft.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { mudJson } from '../intent/mud-fixture.ts';
import { deleteNamespaces, ruleset, sh, skipReason } from '../intent/nft/netns.ts';

const skip = skipReason();
const NS = `iot-cli-${process.pid % 10000}${randomBytes(2).toString('hex')}`;
const file = JSON.stringify(
  mudJson([
    { ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' }, tcp: { 'destination-port': { operator: 'eq', port: 443 } } },
  ]),
);
const run = (args: string[], stdin?: string) => runCli(['intent', ...args], process.cwd(), process.env, stdin);
const apply = (name: string, mac: string, extra: string[] = []) =>
  run(['apply', '-', '--device', name, '--mac', mac, '--resolve', 'cloud.example.com=198.51.100.5', '--netns', NS, ...extra], file);

describe('intent apply / remove', { skip }, () => {
  before(() => sh('ip', 'netns', 'add', NS));
  after(() => deleteNamespaces(NS));

  test('apply enforces the file under the device name; remove --device takes only that device away', async () => {
    const a = await apply('lamp.kitchen', '02:00:00:00:01:01', ['--json']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out).device, 'lamp.kitchen');
    const b = await apply('plug_1', '02:00:00:00:01:02');
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /applied the MUD policy of plug_1 \(02:00:00:00:01:02\)/);
    const both = ruleset(NS);
    assert.match(both, /comment "iotopia device lamp\.kitchen"/);
    assert.match(both, /tcp dport 443 accept/);
    const r = await run(['remove', '--device', 'lamp.kitchen', '--netns', NS]);
    assert.equal(r.code, 0, r.err);
    const left = ruleset(NS);
    assert.doesNotMatch(left, /d_020000000101/);
    assert.match(left, /d_020000000102_from/);
    const again = await run(['remove', '--device', 'lamp.kitchen', '--netns', NS, '--json']);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out).removed, []);
    const byMac = await run(['remove', '--mac', '02-00-00-00-01-02', '--netns', NS]);
    assert.equal(byMac.code, 0, byMac.err);
    assert.doesNotMatch(ruleset(NS), /d_020000000102/);
  });

  test('bad input exits 2: a bad name, a name of another device, both or neither of --device and --mac, an unresolved name', async () => {
    for (const bad of ['lamp kitchen', 'x"; flush ruleset', 'a'.repeat(65)])
      assert.equal((await apply(bad, '02:00:00:00:01:03')).code, 2, bad);
    assert.equal((await apply('owned', '02:00:00:00:01:04')).code, 0);
    const taken = await apply('owned', '02:00:00:00:01:05');
    assert.equal(taken.code, 2);
    assert.match(taken.err, /already the name of 02:00:00:00:01:04/);
    assert.equal((await run(['remove', '--netns', NS])).code, 2);
    assert.equal((await run(['remove', '--device', 'owned', '--mac', '02:00:00:00:01:04', '--netns', NS])).code, 2);
    assert.equal((await run(['remove', '--mac', 'nope', '--netns', NS])).code, 2);
    assert.equal((await run(['remove', '--mac', '02:00:00:00:01:04', '--netns', '../etc'])).code, 2, 'a namespace name that is a path');
    const unresolved = await run(['apply', '-', '--device', 'x', '--mac', '02:00:00:00:01:06', '--netns', NS], file);
    assert.equal(unresolved.code, 2);
    assert.match(unresolved.err, /ERR_INTENT_UNRESOLVED/);
  });

  test('nft refusing the change exits 1 with its error; the ruleset is unchanged', async () => {
    // A table of that name whose map has another type: nft refuses the script.
    const other = `${NS}x`;
    sh('ip', 'netns', 'add', other);
    try {
      sh('ip', 'netns', 'exec', other, 'nft', 'add table inet iotopia; add map inet iotopia from_dev { type ipv4_addr : verdict; }');
      const before = ruleset(other);
      const r = await run(
        ['apply', '-', '--device', 'y', '--mac', '02:00:00:00:01:07', '--resolve', 'cloud.example.com=198.51.100.5', '--netns', other],
        file,
      );
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /ERR_INTENT_APPLY: .*datatype mismatch/);
      assert.equal(ruleset(other), before);
      const gone = await run(['remove', '--mac', '02:00:00:00:01:07', '--netns', `${NS}-missing`]);
      assert.equal(gone.code, 1, 'a namespace that does not exist');
    } finally {
      deleteNamespaces(other);
    }
  });
});
