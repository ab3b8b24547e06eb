/**
 * What IoTopia's table holds, read from libnftables JSON listings (`nft -j list chains inet`,
 * `nft -t -j list sets inet`, `nft -j list map inet iotopia NAME` for each verdict map and
 * `nft -j list set inet iotopia refs`; listing the whole table, or its named counters, would make
 * nft read every rule): each device's chains (and sets of older tables) grouped by the `d_<mac>`
 * identifier (src/intent/nft-compile.ts), the verdict-map elements, the device name recorded as the
 * comment of its `from_dev` element, the shared address sets and which devices use them.
 */
import { IntentError } from '../errors.ts';
import { NAME_COMMENT_PREFIX, NFT_TABLE, REFS_SET } from '../nft-compile.ts';
import { SHARED_SET } from '../nft-sets.ts';

/** A verdict-map element: the map, its key as nft prints it, and the chain it jumps to. */
export interface MapElement {
  map: string;
  key: string;
  target: string;
  comment?: string;
}

/** One device's objects in the table. */
export interface DeviceObjects {
  id: string;
  mac: string;
  name?: string;
  chains: string[];
  sets: string[];
}

export interface TableView {
  devices: Map<string, DeviceObjects>;
  elements: MapElement[];
  /** The shared address sets (`a_…`) in the table. */
  shared: Set<string>;
  /** The shared sets each device's rules use, by MAC (the `refs` set). */
  refs: Map<string, Set<string>>;
}

const DEVICE_OBJECT = /^(d_[0-9a-f]{12})_/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function macOf(id: string): string {
  return (id.slice(2).match(/../g) ?? []).join(':');
}

function deviceOf(view: TableView, name: unknown): DeviceObjects | undefined {
  if (typeof name !== 'string') return undefined;
  const id = DEVICE_OBJECT.exec(name)?.[1];
  if (id === undefined) return undefined;
  let d = view.devices.get(id);
  if (d === undefined) {
    d = { id, mac: macOf(id), chains: [], sets: [] };
    view.devices.set(id, d);
  }
  return d;
}

/** A map element is `[key, {jump: {target}}]`; a key with a comment or timeout is `{elem: {val}}`. */
function elementsOf(map: string, elem: unknown): MapElement[] {
  if (!Array.isArray(elem)) return [];
  const out: MapElement[] = [];
  for (const e of elem) {
    if (!Array.isArray(e) || e.length !== 2) continue;
    const wrapped = isObject(e[0]) && isObject(e[0].elem) ? e[0].elem : undefined;
    const rawKey = wrapped === undefined ? e[0] : wrapped.val;
    const jump = isObject(e[1]) && isObject(e[1].jump) ? e[1].jump.target : undefined;
    if (typeof rawKey !== 'string' || typeof jump !== 'string') continue;
    const el: MapElement = { map, key: rawKey, target: jump };
    if (typeof wrapped?.comment === 'string') el.comment = wrapped.comment;
    out.push(el);
  }
  return out;
}

/** The value of a set element as JSON prints it: bare, or `{elem: {val}}` with a comment or counter. */
const elementValue = (e: unknown): unknown => (isObject(e) && isObject(e.elem) ? e.elem.val : e);

/** `refs` elements are `{concat: [mac, set]}`. */
function addRefs(view: TableView, elem: unknown): void {
  if (!Array.isArray(elem)) return;
  for (const e of elem) {
    const v = elementValue(e);
    const pair = isObject(v) && Array.isArray(v.concat) ? v.concat : undefined;
    const [mac, set] = pair ?? [];
    if (typeof mac !== 'string' || typeof set !== 'string') continue;
    const sets = view.refs.get(mac) ?? new Set<string>();
    sets.add(set);
    view.refs.set(mac, sets);
  }
}

function addItem(view: TableView, item: Json): void {
  const [kind, body] = Object.entries(item)[0] ?? [];
  if (!isObject(body) || body.table !== NFT_TABLE || body.family !== 'inet') return;
  if (kind === 'map' && typeof body.name === 'string') view.elements.push(...elementsOf(body.name, body.elem));
  if (kind === 'set' && body.name === REFS_SET) addRefs(view, body.elem);
  if (kind === 'set' && typeof body.name === 'string' && SHARED_SET.test(body.name)) view.shared.add(body.name);
  const d = kind === 'chain' || kind === 'set' ? deviceOf(view, body.name) : undefined;
  if (d === undefined) return;
  if (kind === 'chain') d.chains.push(body.name as string);
  else d.sets.push(body.name as string);
}

/** Names recorded as `from_dev` element comments, given to the devices the elements jump to. */
function addNames(view: TableView): void {
  for (const e of view.elements) {
    if (e.map !== 'from_dev' || e.comment === undefined || !e.comment.startsWith(NAME_COMMENT_PREFIX)) continue;
    const d = view.devices.get(e.target.replace(/_from$/, ''));
    if (d !== undefined) d.name = e.comment.slice(NAME_COMMENT_PREFIX.length);
  }
}

function items(json: string): unknown[] {
  if (json.trim() === '') return [];
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new IntentError('ERR_INTENT_APPLY', 'nft', 'nft -j printed output that is not JSON');
  }
  const list = isObject(doc) ? doc.nftables : undefined;
  if (!Array.isArray(list)) throw new IntentError('ERR_INTENT_APPLY', 'nft', 'nft -j printed JSON without an "nftables" list');
  return list;
}

/** Reads JSON listings of the table's objects; an empty text (no table) adds nothing. */
export function parseTable(...jsons: string[]): TableView {
  const view: TableView = { devices: new Map(), elements: [], shared: new Set(), refs: new Map() };
  for (const json of jsons) for (const item of items(json)) if (isObject(item)) addItem(view, item);
  addNames(view);
  return view;
}

/** Packet counts by key of a set with a counter per element, in `nft -j list set …` output. */
export function parseSetCounters(json: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items(json)) {
    const elem = isObject(item) && isObject(item.set) ? item.set.elem : undefined;
    if (!Array.isArray(elem)) continue;
    for (const e of elem) {
      const inner = isObject(e) && isObject(e.elem) ? e.elem : undefined;
      const counter = isObject(inner?.counter) ? inner.counter : undefined;
      if (typeof inner?.val === 'string' && typeof counter?.packets === 'number') out.set(inner.val, counter.packets);
    }
  }
  return out;
}
