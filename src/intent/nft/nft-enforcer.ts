/**
 * The nftables Enforcer (src/intent/enforcement-ports.ts): every change is one `nft -f -`
 * transaction on IoTopia's `inet iotopia` table, in the caller's or a given network namespace.
 * Before applying a device's script it reads the table and adds, to the same transaction, the
 * removal of that device's chains and sets a newer file no longer has and of verdict-map elements
 * that would clash, so nothing lingers and a failure changes nothing.
 */
import type { Enforcer } from '../enforcement-ports.ts';
import { IntentError } from '../errors.ts';
import { normaliseMac } from '../ip.ts';
import { deviceId, dropCounterNames, NFT_TABLE } from '../nft-compile.ts';
import { reconcileScript } from './nft-reconcile.ts';
import { type NftRunOptions, runNft } from './nft-run.ts';
import { type DeviceObjects, type MapElement, parseCounters, parseTable, type TableView } from './nft-table.ts';

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

/** The table's chains, sets (without their elements) and verdict maps; see nft-table.ts. */
async function readTable(o: NftRunOptions): Promise<TableView> {
  // Each verdict map on its own: `list maps` makes nft read the elements of every set in the table.
  const lists = [['chains', 'inet'], ['-t', 'sets', 'inet'], ...VERDICT_MAPS.map((m) => ['map', T, m])];
  return parseTable(...(await Promise.all(lists.map((l) => listJson(l, o)))));
}

function macId(mac: string): string {
  const m = normaliseMac(mac);
  if (m === undefined) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', `mac: ${JSON.stringify(mac)} is not a MAC address`);
  return deviceId(m);
}

/** The script removing every object of device `d` and the map elements that jump to it. */
export function removalScript(d: DeviceObjects, elements: MapElement[]): string[] {
  const mine = (target: string): boolean => target === `${d.id}_from` || target === `${d.id}_to`;
  return [
    ...elements.filter((e) => mine(e.target)).map((e) => `delete element ${T} ${e.map} { ${e.key} }`),
    ...d.chains.map((c) => `flush chain ${T} ${c}`),
    ...d.chains.map((c) => `delete chain ${T} ${c}`),
    ...d.sets.map((s) => `delete set ${T} ${s}`),
    // Counters are not listed (that makes nft read every rule): add-then-delete removes them
    // whether or not they exist.
    ...Object.values(dropCounterNames(d.id)).flatMap((c) => [`add counter ${T} ${c}`, `delete counter ${T} ${c}`]),
  ];
}

/** An Enforcer programming nftables with the `nft` tool; see NftRunOptions for the namespace and binary. */
export function nftEnforcer(o: NftRunOptions = {}): NftEnforcer {
  return {
    async apply(script) {
      const table = await readTable(o);
      await runNft(['-f', '-'], o, reconcileScript(script, table));
    },
    async removeDevice(mac) {
      const id = macId(mac);
      const table = await readTable(o);
      const d = table.devices.get(id);
      const lines = d === undefined ? [] : removalScript(d, table.elements);
      if (lines.length > 0) await runNft(['-f', '-'], o, `${lines.join('\n')}\n`);
    },
    async dropCounters() {
      const counts = parseCounters(await listJson(['counters', 'table', T], o));
      const out = new Map<string, { from: number; to: number }>();
      for (const name of counts.keys()) {
        const id = /^(d_[0-9a-f]{12})_drops_from$/.exec(name)?.[1];
        if (id === undefined) continue;
        const c = dropCounterNames(id);
        out.set((id.slice(2).match(/../g) ?? []).join(':'), { from: counts.get(c.from) ?? 0, to: counts.get(c.to) ?? 0 });
      }
      return out;
    },
    async devices() {
      const table = await readTable(o);
      return [...table.devices.values()].map((d) => (d.name === undefined ? { mac: d.mac } : { mac: d.mac, name: d.name }));
    },
  };
}
