/**
 * The nftables Enforcer (src/intent/enforcement-ports.ts): every change is one `nft -f -`
 * transaction on IoTopia's `inet iotopia` table, in the caller's or a given network namespace.
 * Before applying a device's script it reads the table and adds, to the same transaction, the
 * removal of that device's chains a newer file no longer has, of verdict-map elements that would
 * clash and of shared sets no device uses any more, so nothing lingers and a failure changes
 * nothing.
 */
import type { Enforcer } from '../enforcement-ports.ts';
import { IntentError } from '../errors.ts';
import { normaliseMac } from '../ip.ts';
import { DROP_SETS, deviceId, NFT_TABLE, REFS_SET } from '../nft-compile.ts';
import { forgetAddressDrops, forgetDrops, type Reconciled, reconcileScript, staleRefs, unusedSharedSets } from './nft-reconcile.ts';
import { type NftRunOptions, runNft } from './nft-run.ts';
import { type DeviceObjects, type MapElement, parseSetCounters, parseTable, type TableView } from './nft-table.ts';

const T = `inet ${NFT_TABLE}`;
/** The verdict maps of the table head (src/intent/nft-compile.ts). */
const VERDICT_MAPS = ['from_dev', 'to_dev', 'to_dev4', 'to_dev6'];

/** A device found in the table: its MAC and the name recorded when it was applied. */
export interface EnforcedDevice {
  mac: string;
  name?: string;
}

export interface NftEnforcer extends Enforcer {
  dropCounters(): Promise<Map<string, { from: number; to: number }>>;
  /** The devices that have rules in the table. */
  devices(): Promise<EnforcedDevice[]>;
}

/** nft's answer when the table does not exist yet. */
const isNoTable = (e: unknown): boolean =>
  e instanceof IntentError && e.code === 'ERR_INTENT_APPLY' && /Error: No such file or directory/.test(e.message);

async function listJson(args: string[], o: NftRunOptions): Promise<string> {
  try {
    const terse = args[0] === '-t';
    return await runNft([...(terse ? ['-t'] : []), '-j', 'list', ...args.slice(terse ? 1 : 0)], o);
  } catch (e) {
    if (isNoTable(e)) return '';
    throw e;
  }
}

/** The table's chains, sets (without their elements), verdict maps and `refs`; see nft-table.ts. */
async function readTable(o: NftRunOptions): Promise<TableView> {
  // Each verdict map on its own: `list maps` makes nft read the elements of every set in the table.
  const lists = [['chains', 'inet'], ['-t', 'sets', 'inet'], ...VERDICT_MAPS.map((m) => ['map', T, m]), ['set', T, REFS_SET]];
  return parseTable(...(await Promise.all(lists.map((l) => listJson(l, o)))));
}

/** The kernel's answer when a set to delete is still used by a rule. */
const isBusy = (e: unknown): boolean => e instanceof IntentError && /Device or resource busy/.test(e.message);

/**
 * Runs a reconciled transaction. A shared set the `refs` bookkeeping took for unused but that a
 * rule still uses (a table changed by hand) makes the kernel refuse the whole transaction: it is
 * run again without deleting sets, which a later change collects.
 */
async function runReconciled(r: Reconciled, o: NftRunOptions): Promise<void> {
  try {
    await runNft(['-f', '-'], o, r.script);
  } catch (e) {
    if (!isBusy(e) || r.script === r.withoutCollection) throw e;
    await runNft(['-f', '-'], o, r.withoutCollection);
  }
}

function normalisedMac(mac: string): string {
  const m = normaliseMac(mac);
  if (m === undefined) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', `mac: ${JSON.stringify(mac)} is not a MAC address`);
  return m;
}

/** The script removing every object of device `d`, the map elements that jump to it and its counts. */
export function removalScript(d: DeviceObjects, elements: MapElement[]): string[] {
  const mine = elements.filter((e) => e.target === `${d.id}_from` || e.target === `${d.id}_to`);
  return [
    ...mine.map((e) => `delete element ${T} ${e.map} { ${e.key} }`),
    ...d.chains.map((c) => `flush chain ${T} ${c}`),
    ...d.chains.map((c) => `delete chain ${T} ${c}`),
    ...d.sets.map((s) => `delete set ${T} ${s}`),
    ...forgetDrops(DROP_SETS.from, d.mac),
    ...mine.flatMap(forgetAddressDrops),
  ];
}

/** removalScript for the device with this MAC, with its `refs` and the shared sets only it used. */
function removal(table: TableView, mac: string): Reconciled | undefined {
  const d = table.devices.get(deviceId(mac));
  const refs = staleRefs(table, mac, undefined);
  if (d === undefined && refs.length === 0) return undefined;
  const lines = [...(d === undefined ? [] : removalScript(d, table.elements)), ...refs];
  const collect = unusedSharedSets(table, new Map([[mac, undefined]])).map((s) => `delete set ${T} ${s}`);
  return { script: `${[...lines, ...collect].join('\n')}\n`, withoutCollection: `${lines.join('\n')}\n` };
}

/**
 * The drop counts by device MAC: from-device counts are keyed by MAC already; to-device counts by
 * address go to the device whose `to_dev4` / `to_dev6` element has that address (an address no
 * device has any more is left out).
 */
export function dropsByDevice(
  from: Map<string, number>,
  to: Map<string, number>[],
  elements: MapElement[],
): Map<string, { from: number; to: number }> {
  const out = new Map<string, { from: number; to: number }>();
  const entry = (mac: string) => {
    let e = out.get(mac);
    if (e === undefined) {
      e = { from: 0, to: 0 };
      out.set(mac, e);
    }
    return e;
  };
  for (const [mac, n] of from) entry(mac).from += n;
  const owner = new Map(elements.map((e) => [e.key, e.target]));
  for (const counts of to)
    for (const [addr, n] of counts) {
      const id = /^d_([0-9a-f]{12})_to$/.exec(owner.get(addr) ?? '')?.[1];
      if (id !== undefined) entry((id.match(/../g) ?? []).join(':')).to += n;
    }
  return out;
}

/** An Enforcer programming nftables with the `nft` tool; see NftRunOptions for the namespace and binary. */
export function nftEnforcer(o: NftRunOptions = {}): NftEnforcer {
  return {
    async apply(script) {
      const table = await readTable(o);
      await runReconciled(reconcileScript(script, table), o);
    },
    async removeDevice(mac) {
      const m = normalisedMac(mac);
      const r = removal(await readTable(o), m);
      if (r !== undefined) await runReconciled(r, o);
    },
    async dropCounters() {
      const lists = [DROP_SETS.from, DROP_SETS.to4, DROP_SETS.to6].map((set) => ['set', T, set]);
      const [from = '', to4 = '', to6 = '', map4 = '', map6 = ''] = await Promise.all(
        [...lists, ['map', T, 'to_dev4'], ['map', T, 'to_dev6']].map((l) => listJson(l, o)),
      );
      return dropsByDevice(parseSetCounters(from), [parseSetCounters(to4), parseSetCounters(to6)], parseTable(map4, map6).elements);
    },
    async devices() {
      const table = await readTable(o);
      return [...table.devices.values()].map((d) => (d.name === undefined ? { mac: d.mac } : { mac: d.mac, name: d.name }));
    },
  };
}
