/**
 * One page of the device list in any of its orders: keyset paging on (sort key, GUID), the key
 * being one of the indexed expressions of device-fleet-columns.ts, so a page reads one index range
 * whatever the order. The cursor names its order; a cursor of the default GUID order is the GUID.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { DEVICE_SORTS, type DeviceListRequest, type DeviceSort, type DeviceSortKey, MAX_DEVICE_SEARCH } from '../device-repository.ts';
import { ERR_STORE_CURSOR, StoreError } from '../errors.ts';
import type { Database } from '../schema.ts';
import { FLEET_INTENT_KEY, FLEET_SORT_KEYS } from './device-fleet-columns.ts';
import { decodeCursor } from './rows.ts';

type Where = ExpressionBuilder<Database, 'devices'>;

export interface ListOrder {
  sort: DeviceSort;
  key: DeviceSortKey;
  desc: boolean;
}

export function listOrder(sort: DeviceSort = 'guid'): ListOrder {
  if (!DEVICE_SORTS.includes(sort)) throw new TypeError(`unknown device order ${JSON.stringify(sort)}`);
  const desc = sort.startsWith('-');
  return { sort, desc, key: (desc ? sort.slice(1) : sort) as DeviceSortKey };
}

interface Position {
  value: number | string;
  guid: string;
}

const GUID = /^[0-9a-f]{32}$/;
const badCursor = () => new StoreError(ERR_STORE_CURSOR, 'malformed page cursor');

function decodePosition(order: ListOrder, cursor: string | undefined): Position | undefined {
  const raw = decodeCursor(cursor);
  if (raw === undefined) return undefined;
  if (order.sort === 'guid') return { value: raw, guid: raw };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw badCursor();
  const [sort, value, guid] = parsed as unknown[];
  const valueType = order.key === 'lastSeen' ? 'number' : 'string';
  if (sort !== order.sort || typeof value !== valueType || typeof guid !== 'string' || !GUID.test(guid)) throw badCursor();
  return { value: value as number | string, guid };
}

/** The position (the cursor before encoding) after a row whose sort key is `value`. */
export function positionKey(order: ListOrder, value: unknown, guid: string): string {
  if (order.sort === 'guid') return guid;
  const key = order.key === 'lastSeen' ? Number(value) : String(value);
  return JSON.stringify([order.sort, key, guid]);
}

const keyOf = (order: ListOrder) => sql.raw(FLEET_SORT_KEYS[order.key]);

/** What `q` matches: a GUID start, a part of the model, a tag or group. */
function searchOf(eb: Where, text: string): Expression<SqlBool> {
  if (text.length > MAX_DEVICE_SEARCH) throw new TypeError(`a device search is at most ${MAX_DEVICE_SEARCH} characters`);
  const terms: Expression<SqlBool>[] = [];
  const hex = text.replaceAll('-', '').toLowerCase();
  if (/^[0-9a-f]{1,32}$/.test(hex))
    for (const column of ['guid', 'replacement_guid'] as const) terms.push(eb.and([eb(column, '>=', hex), eb(column, '<', `${hex}g`)]));
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  terms.push(sql<SqlBool>`lower(coalesce(fleet_model, '')) like ${pattern} escape '\\'`);
  terms.push(
    eb(
      'guid',
      'in',
      eb.selectFrom('device_labels').select('device_labels.guid').where('kind', 'in', ['tag', 'group']).where('label', '=', text),
    ),
  );
  return eb.or(terms);
}

/** The filters of `page` that need more than a column compared with a value. */
function filtersOf(eb: Where, page: DeviceListRequest): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (page.state !== undefined) out.push(eb('state', '=', page.state));
  if (page.model !== undefined) out.push(sql<SqlBool>`${sql.raw(FLEET_SORT_KEYS.model)} = ${page.model}`);
  if (page.firmware !== undefined) out.push(sql<SqlBool>`${sql.raw(FLEET_SORT_KEYS.firmware)} = ${page.firmware}`);
  if (page.intent !== undefined) out.push(sql<SqlBool>`${sql.raw(FLEET_INTENT_KEY)} = ${page.intent === 'none' ? '' : page.intent}`);
  if (page.q !== undefined && page.q !== '') out.push(searchOf(eb, page.q));
  return out;
}

/** The rows of one page (limit + 1 of them, the last only telling whether more follow), with their sort key. */
export function deviceListQuery(db: Kysely<Database>, page: DeviceListRequest, order: ListOrder, limit: number) {
  const key = keyOf(order);
  const after = decodePosition(order, page.after);
  let q = db
    .selectFrom('devices')
    .selectAll()
    .select(sql<number | string>`${key}`.as('sort_key'))
    .where((eb) => eb.and(filtersOf(eb, page)));
  if (after !== undefined) {
    const op = sql.raw(order.desc ? '<' : '>');
    q =
      order.key === 'guid'
        ? q.where('guid', order.desc ? '<' : '>', after.guid)
        : // key <= v and (key < v or guid < g): the first term is a range on the order's index.
          q.where(
            sql<SqlBool>`${key} ${sql.raw(order.desc ? '<=' : '>=')} ${after.value} and (${key} ${op} ${after.value} or guid ${op} ${after.guid})`,
          );
  }
  const direction = sql.raw(order.desc ? 'desc' : 'asc');
  if (order.key !== 'guid') q = q.orderBy(sql`${key} ${direction}`);
  return q.orderBy(sql`guid ${direction}`).limit(limit + 1);
}
