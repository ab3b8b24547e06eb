/**
 * Reading IoTopia's table from nft's JSON listings and completing a device script against it,
 * without root: the listings are written here in libnftables' JSON shape.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IntentError } from '../../../src/intent/errors.ts';
import { reconcileScript } from '../../../src/intent/nft/nft-reconcile.ts';
import { parseTable } from '../../../src/intent/nft/nft-table.ts';

const T = 'inet iotopia';
const doc = (...items: object[]): string => JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, ...items] });
const chain = (name: string, table = 'iotopia') => ({ chain: { family: 'inet', table, name, handle: 1 } });
const set = (name: string) => ({ set: { family: 'inet', table: 'iotopia', name, type: 'ipv4_addr', handle: 2 } });
const map = (name: string, elem: unknown[]) => ({
  map: { family: 'inet', table: 'iotopia', name, type: 'ipv4_addr', map: 'verdict', elem },
});
const A = 'd_02000000000a';
const B = 'd_02000000000b';

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
  doc(set(`${A}_f0_0_4_d0`), set(`${A}_f1_0_4_d0`)),
  doc(
    map('from_dev', [[{ elem: { val: '02:00:00:00:00:0a', comment: 'iotopia device lamp' } }, { jump: { target: `${A}_from` } }]]),
    map('to_dev4', [
      ['192.0.2.2', { jump: { target: `${A}_to` } }],
      ['192.0.2.3', { jump: { target: `${B}_to` } }],
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
      counters: [],
    });
    assert.deepEqual([...table.devices.keys()], [A, B]);
    assert.equal(table.elements.length, 3);
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

describe('reconcileScript', () => {
  const script = [
    `add chain ${T} ${A}_from`,
    `flush chain ${T} ${A}_from`,
    `add chain ${T} ${A}_to`,
    `flush chain ${T} ${A}_to`,
    `add chain ${T} ${A}_f0`,
    `delete chain ${T} ${A}_f0`,
    `add set ${T} ${A}_f0_0_4_d0 { type ipv4_addr; flags interval; auto-merge; }`,
    `add element ${T} from_dev { 02:00:00:00:00:0a : jump ${A}_from }`,
    `add element ${T} to_dev4 { 192.0.2.3 : jump ${A}_to }`,
    '',
  ].join('\n');
  const out = reconcileScript(script, table).split('\n');
  const extra = out.slice(4, out.length - (script.split('\n').length - 4));

  test('after the device flushes its chains: elements it no longer has or takes over, stale chains and sets', () => {
    assert.deepEqual(out.slice(0, 4), script.split('\n').slice(0, 4));
    assert.deepEqual(extra, [
      `delete element ${T} to_dev4 { 192.0.2.2 }`,
      `delete element ${T} to_dev4 { 192.0.2.3 }`,
      `flush chain ${T} ${A}_from`,
      `flush chain ${T} ${A}_to`,
      `flush chain ${T} ${A}_f0`,
      `flush chain ${T} ${A}_f1`,
      `delete chain ${T} ${A}_f1`,
      `delete set ${T} ${A}_f1_0_4_d0`,
    ]);
  });

  test('a device not in the table, or a script without a device, is unchanged', () => {
    const empty = parseTable('');
    assert.equal(reconcileScript(script.replace('192.0.2.3', '192.0.2.9'), empty), script.replace('192.0.2.3', '192.0.2.9'));
    assert.equal(reconcileScript('list ruleset\n', table), 'list ruleset\n');
  });
});
