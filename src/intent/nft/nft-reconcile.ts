/**
 * Completes a compiled device script (src/intent/nft-compile.ts) against what the table holds, so
 * that applying it leaves exactly the new policy: chains and sets of the device's ACLs that the
 * new script no longer makes are deleted, as are verdict-map elements of the device it no longer
 * has (an address that changed) and elements of another device under a key the script now gives to
 * this one. The lines go right after the script flushes the device's direction chains, inside the
 * same transaction.
 */
import { NFT_TABLE } from '../nft-compile.ts';
import type { MapElement, TableView } from './nft-table.ts';

const T = `inet ${NFT_TABLE}`;
const DECLARED = new RegExp(`^add (?:chain|set|counter) ${T} (\\S+)`);
const MARKER = new RegExp(`^flush chain ${T} (d_[0-9a-f]{12})_to$`);
const ELEMENT = new RegExp(`^add element ${T} (\\w+) \\{ (\\S+) : jump (\\S+) \\}$`);

interface ScriptFacts {
  declared: Set<string>;
  elements: MapElement[];
}

function factsOf(lines: string[]): ScriptFacts {
  const declared = new Set<string>();
  const elements: MapElement[] = [];
  for (const l of lines) {
    const d = DECLARED.exec(l);
    if (d?.[1] !== undefined) declared.add(d[1]);
    const e = ELEMENT.exec(l);
    if (e?.[1] !== undefined && e[2] !== undefined && e[3] !== undefined) elements.push({ map: e[1], key: e[2], target: e[3] });
  }
  return { declared, elements };
}

const deleteElement = (e: MapElement): string => `delete element ${T} ${e.map} { ${e.key} }`;

function extrasFor(id: string, table: TableView, facts: ScriptFacts): string[] {
  const d = table.devices.get(id);
  const staleChains = (d?.chains ?? []).filter((c) => !facts.declared.has(c));
  const staleSets = (d?.sets ?? []).filter((s) => !facts.declared.has(s));
  const staleCounters = (d?.counters ?? []).filter((c) => !facts.declared.has(c));
  const mine = (t: string): boolean => t === `${id}_from` || t === `${id}_to`;
  const scriptKeys = new Set(facts.elements.map((e) => `${e.map} ${e.key}`));
  const newOfMine = facts.elements.filter((e) => mine(e.target));
  const staleElements = table.elements.filter(
    (e) =>
      (mine(e.target) && !scriptKeys.has(`${e.map} ${e.key}`)) ||
      newOfMine.some((n) => n.map === e.map && n.key === e.key && n.target !== e.target),
  );
  return [
    ...staleElements.map(deleteElement),
    // Every chain of the device is emptied first: a stale set may be used by a chain the script
    // makes again, which it deletes only later.
    ...(d?.chains ?? []).map((c) => `flush chain ${T} ${c}`),
    ...staleChains.map((c) => `delete chain ${T} ${c}`),
    ...staleSets.map((s) => `delete set ${T} ${s}`),
    ...staleCounters.map((c) => `delete counter ${T} ${c}`),
  ];
}

/** `script` with the deletions that make it replace, not add to, what `table` holds of its devices. */
export function reconcileScript(script: string, table: TableView): string {
  const lines = script.split('\n');
  const facts = factsOf(lines);
  const out: string[] = [];
  for (const l of lines) {
    out.push(l);
    const id = MARKER.exec(l)?.[1];
    if (id !== undefined) out.push(...extrasFor(id, table, facts));
  }
  return out.join('\n');
}
