/**
 * Completes compiled device scripts (src/intent/nft-compile.ts) against what the table holds, so
 * that applying them leaves exactly the new policies: chains of the device's ACLs that the new
 * script no longer makes are deleted, as are verdict-map elements of the device it no longer has
 * (an address that changed), elements of another device under a key the script now gives to this
 * one, and the device's `refs` elements for shared sets its rules no longer use. These lines go
 * right after the script empties the device's direction chains. Last, shared sets that no device
 * uses any more are deleted. All of it is one transaction.
 */
import { DROP_SETS, dropSetDeclaration, NFT_TABLE, REFS_SET } from '../nft-compile.ts';
import type { MapElement, TableView } from './nft-table.ts';

const T = `inet ${NFT_TABLE}`;
const DECLARED = new RegExp(`^add (?:chain|set) ${T} (\\S+)`);
const MARKER = new RegExp(`^flush chain ${T} (d_[0-9a-f]{12})_to$`);
const ELEMENT = new RegExp(`^add element ${T} (\\w+) \\{ (\\S+) : jump (\\S+) \\}$`);
const REF = new RegExp(`^add element ${T} ${REFS_SET} \\{ (\\S+) \\. "(\\S+)" \\}$`);

interface ScriptFacts {
  declared: Set<string>;
  elements: MapElement[];
  /** The shared sets each device of the script uses, by MAC. */
  refs: Map<string, Set<string>>;
}

function factsOf(lines: string[]): ScriptFacts {
  const facts: ScriptFacts = { declared: new Set(), elements: [], refs: new Map() };
  for (const l of lines) {
    const d = DECLARED.exec(l);
    if (d?.[1] !== undefined) facts.declared.add(d[1]);
    const e = ELEMENT.exec(l);
    if (e?.[1] !== undefined && e[2] !== undefined && e[3] !== undefined) facts.elements.push({ map: e[1], key: e[2], target: e[3] });
    const r = REF.exec(l);
    if (r?.[1] !== undefined && r[2] !== undefined) {
      const sets = facts.refs.get(r[1]) ?? new Set<string>();
      sets.add(r[2]);
      facts.refs.set(r[1], sets);
    }
  }
  return facts;
}

const deleteElement = (e: MapElement): string => `delete element ${T} ${e.map} { ${e.key} }`;

/**
 * Deletes `key` from a drop-count set whether or not it is there (the sets are not read first: a
 * set with a counter per element is read whole): the set is declared as the table head does, the
 * key added, then deleted.
 */
export function forgetDrops(set: (typeof DROP_SETS)[keyof typeof DROP_SETS], key: string): string[] {
  return [
    `add ${dropSetDeclaration(set).replace(/^set /, `set ${T} `)}`,
    `add element ${T} ${set} { ${key} }`,
    `delete element ${T} ${set} { ${key} }`,
  ];
}

/** forgetDrops for the address of a `to_dev4` / `to_dev6` element (none for other maps). */
export function forgetAddressDrops(e: MapElement): string[] {
  if (e.map === 'to_dev4') return forgetDrops(DROP_SETS.to4, e.key);
  if (e.map === 'to_dev6') return forgetDrops(DROP_SETS.to6, e.key);
  return [];
}

/** The `refs` elements of `mac` that `keep` does not have, as deletions. */
export function staleRefs(table: TableView, mac: string, keep: Set<string> | undefined): string[] {
  const had = table.refs.get(mac);
  if (had === undefined) return [];
  return [...had].filter((s) => keep?.has(s) !== true).map((s) => `delete element ${T} ${REFS_SET} { ${mac} . "${s}" }`);
}

const macOf = (id: string): string => (id.slice(2).match(/../g) ?? []).join(':');

function extrasFor(id: string, table: TableView, facts: ScriptFacts): string[] {
  const d = table.devices.get(id);
  const staleChains = (d?.chains ?? []).filter((c) => !facts.declared.has(c));
  const staleSets = (d?.sets ?? []).filter((s) => !facts.declared.has(s));
  const mine = (t: string): boolean => t === `${id}_from` || t === `${id}_to`;
  const scriptKeys = new Set(facts.elements.map((e) => `${e.map} ${e.key}`));
  const newOfMine = facts.elements.filter((e) => mine(e.target));
  const staleElements = table.elements.filter(
    (e) =>
      (mine(e.target) && !scriptKeys.has(`${e.map} ${e.key}`)) ||
      newOfMine.some((n) => n.map === e.map && n.key === e.key && n.target !== e.target),
  );
  const mac = macOf(id);
  return [
    ...staleElements.map(deleteElement),
    ...staleElements.flatMap(forgetAddressDrops),
    ...staleRefs(table, mac, facts.refs.get(mac)),
    // Every chain of the device is emptied first: a set may be used by a chain the script makes
    // again, which it empties only later.
    ...(d?.chains ?? []).map((c) => `flush chain ${T} ${c}`),
    ...staleChains.map((c) => `delete chain ${T} ${c}`),
    // Per-device sets are what tables written by earlier versions have.
    ...staleSets.map((s) => `delete set ${T} ${s}`),
  ];
}

/**
 * The shared sets of the table that no device uses once `changed` (MAC → the sets it will use;
 * absent: none) is applied; every other device keeps what `table.refs` says it uses.
 */
export function unusedSharedSets(table: TableView, changed: Map<string, Set<string> | undefined>): string[] {
  const used = new Set<string>();
  for (const [mac, sets] of table.refs) if (!changed.has(mac)) for (const s of sets) used.add(s);
  for (const sets of changed.values()) for (const s of sets ?? []) used.add(s);
  return [...table.shared].filter((s) => !used.has(s));
}

/** A reconciled script: the transaction, and the lines of it that delete unused shared sets. */
export interface Reconciled {
  script: string;
  /** The same transaction without deleting unused shared sets (for a table whose `refs` is wrong). */
  withoutCollection: string;
}

/** `script` with the deletions that make it replace, not add to, what `table` holds of its devices. */
export function reconcileScript(script: string, table: TableView): Reconciled {
  const lines = script.split('\n');
  const facts = factsOf(lines);
  const out: string[] = [];
  const changed = new Map<string, Set<string> | undefined>();
  for (const l of lines) {
    if (l !== '') out.push(l);
    const id = MARKER.exec(l)?.[1];
    if (id === undefined) continue;
    out.push(...extrasFor(id, table, facts));
    changed.set(macOf(id), facts.refs.get(macOf(id)));
  }
  const collect = unusedSharedSets(table, changed).map((s) => `delete set ${T} ${s}`);
  return { script: `${[...out, ...collect].join('\n')}\n`, withoutCollection: `${out.join('\n')}\n` };
}
