/**
 * Reading IoTopia's table from nft's JSON listings and completing a device script against it,
 * without root: the listings are written here in libnftables' JSON shape.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IntentError } from '../../../src/intent/errors.ts';
import { reconcileScript } from '../../../src/intent/nft/nft-reconcile.ts';
import { parseSetCounters, parseTable } from '../../../src/intent/nft/nft-table.ts';

const T = 'inet iotopia';
const doc = (...items: object[]): string => JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, ...items] });
const chain = (name: string, table = 'iotopia') => ({ chain: { family: 'inet', table, name, handle: 1 } });
const set = (name: string) => ({ set: { family: 'inet', table: 'iotopia', name, type: 'ipv4_addr', handle: 2 } });
const map = (name: string, elem: unknown[]) => ({
  map: { family: 'inet', table: 'iotopia', name, type: 'ipv4_addr', map: 'verdict', elem },
});
const A = 'd_02000000000a';
const B = 'd_02000000000b';
const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
/** Shared sets: S1 used by A and B, S2 by A only, S3 by nobody. */
const [S1, S2, S3, S4] = ['a_1111111111111', 'a_2222222222222', 'a_3333333333333', 'a_4444444444444'];
const refs = (pairs: [string, string][]) => ({
  set: { family: 'inet', table: 'iotopia', name: 'refs', type: ['ether_addr', 'ifname'], elem: pairs.map((p) => ({ concat: p })) },
});

const table = parseTable(
  doc(
    chain(`${A}_from`),
    chain(`${A}_to`),
    chain(`${A}_f0`),
    chain(`${A}_f1`),
    chain(`${B}_from`),
    chain('d_02000000000c_from', 'other'),
    chain('from_device'),
  ),
  doc(set(`${A}_f0_0_4_d0`), set(`${A}_f1_0_4_d0`), set(S1), set(S2), set(S3), set('refs')),
  doc(
    map('from_dev', [[{ elem: { val: '02:00:00:00:00:0a', comment: 'iotopia device lamp' } }, { jump: { target: `${A}_from` } }]]),
    map('to_dev4', [
      ['192.0.2.2', { jump: { target: `${A}_to` } }],
      ['192.0.2.3', { jump: { target: `${B}_to` } }],
    ]),
  ),
  doc(
    refs([
      [MAC_A, S1],
      [MAC_A, S2],
      [MAC_B, S1],
    ]),
  ),
);

describe('parseTable', () => {
  test('groups chains and sets by device, keeps map elements, reads the name, ignores other tables', () => {
    const a = table.devices.get(A);
    assert.deepEqual(a, {
      id: A,
      mac: '02:00:00:00:00:0a',
      name: 'lamp',
      chains: [`${A}_from`, `${A}_to`, `${A}_f0`, `${A}_f1`],
      sets: [`${A}_f0_0_4_d0`, `${A}_f1_0_4_d0`],
    });
    assert.deepEqual([...table.devices.keys()], [A, B]);
    assert.equal(table.elements.length, 3);
    assert.deepEqual([...table.shared], [S1, S2, S3]);
    assert.deepEqual(
      [...table.refs].map(([m, x]) => [m, [...x]]),
      [
        [MAC_A, [S1, S2]],
        [MAC_B, [S1]],
      ],
    );
    assert.equal(parseTable('').devices.size, 0);
  });

  test('output that is not nft JSON is ERR_INTENT_APPLY', () => {
    for (const bad of ['{', '{"nftables": 1}', '[]'])
      assert.throws(
        () => parseTable(bad),
        (e: IntentError) => e.code === 'ERR_INTENT_APPLY',
        bad,
      );
  });
});

describe('parseSetCounters', () => {
  test('reads the packet count of each element that has one', () => {
    const json = doc({
      set: {
        family: 'inet',
        table: 'iotopia',
        name: 'drops_from',
        elem: [{ elem: { val: MAC_A, counter: { packets: 5, bytes: 300 } } }, { elem: { val: MAC_B } }, MAC_B],
      },
    });
    assert.deepEqual([...parseSetCounters(json)], [[MAC_A, 5]]);
  });
});

describe('reconcileScript', () => {
  const script = [
    `add chain ${T} ${A}_from`,
    `flush chain ${T} ${A}_from`,
    `add chain ${T} ${A}_to`,
    `flush chain ${T} ${A}_to`,
    `add chain ${T} ${A}_f0`,
    `flush chain ${T} ${A}_f0`,
    `add set ${T} ${S4} { type ipv4_addr; flags interval; elements = { 198.51.100.0/24 }; }`,
    `add element ${T} from_dev { ${MAC_A} : jump ${A}_from }`,
    `add element ${T} to_dev4 { 192.0.2.3 : jump ${A}_to }`,
    `add element ${T} refs { ${MAC_A} . "${S1}" }`,
    `add element ${T} refs { ${MAC_A} . "${S4}" }`,
    '',
  ].join('\n');
  const r = reconcileScript(script, table);
  const out = r.script.split('\n');
  const given = script.split('\n').length - 1;
  const extra = out.slice(4, 4 + out.length - 1 - given - 2);

  test('after the device empties its chains: elements and refs it no longer has, stale chains and old sets', () => {
    assert.deepEqual(out.slice(0, 4), script.split('\n').slice(0, 4));
    const forget = (set: string, type: string, key: string) => [
      `add set ${T} ${set} { type ${type}; flags dynamic; size 262144; counter; }`,
      `add element ${T} ${set} { ${key} }`,
      `delete element ${T} ${set} { ${key} }`,
    ];
    assert.deepEqual(extra, [
      `delete element ${T} to_dev4 { 192.0.2.2 }`,
      `delete element ${T} to_dev4 { 192.0.2.3 }`,
      ...forget('drops_to4', 'ipv4_addr', '192.0.2.2'),
      ...forget('drops_to4', 'ipv4_addr', '192.0.2.3'),
      `delete element ${T} refs { ${MAC_A} . "${S2}" }`,
      `flush chain ${T} ${A}_from`,
      `flush chain ${T} ${A}_to`,
      `flush chain ${T} ${A}_f0`,
      `flush chain ${T} ${A}_f1`,
      `delete chain ${T} ${A}_f1`,
      `delete set ${T} ${A}_f0_0_4_d0`,
      `delete set ${T} ${A}_f1_0_4_d0`,
    ]);
  });

  test('shared sets no device uses afterwards are deleted last; the other form leaves them', () => {
    assert.deepEqual(out.slice(-3), [`delete set ${T} ${S2}`, `delete set ${T} ${S3}`, '']);
    assert.equal(r.withoutCollection, `${out.slice(0, -3).join('\n')}\n`);
  });

  test('a device not in the table, or a script without a device, is unchanged', () => {
    const empty = parseTable('');
    const other = script.replace('192.0.2.3', '192.0.2.9');
    assert.equal(reconcileScript(other, empty).script, other);
    assert.equal(reconcileScript('list ruleset\n', empty).script, 'list ruleset\n');
  });
});
