import type { Selectable } from 'kysely';
import {
  checkIntentDevice,
  type IntentDeviceInput,
  type IntentDeviceRecord,
  type IntentDeviceRepository,
  type IntentEnforcementState,
  type IntentResolvedName,
  type IntentUrlSource,
  isIntentMac,
} from '../intent-device-repository.ts';
import type { IntentDevicesTable } from '../schema.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, millis, optionalDate, paged, pageLimit } from './rows.ts';

type Row = Selectable<IntentDevicesTable>;

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const ms = (d: Date | undefined): number | null => (d === undefined ? null : d.getTime());

function names(text: string): IntentResolvedName[] {
  const raw = JSON.parse(text) as { name: string; addresses: string[]; expiresAt: number }[];
  return raw.map((n) => ({ name: n.name, addresses: n.addresses, expiresAt: new Date(n.expiresAt) }));
}

function record(r: Row): IntentDeviceRecord {
  const d: IntentDeviceRecord = {
    mac: r.mac,
    urlSource: r.url_source as IntentUrlSource,
    names: names(r.names),
    state: r.state as IntentEnforcementState,
    ruleCount: millis(r.rule_count),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
  const optional = { guid: r.guid, name: r.name, ipv4: r.ipv4, ipv6: r.ipv6, mudUrl: r.mud_url } as const;
  for (const [k, v] of Object.entries(optional)) if (v !== null) (d as unknown as Record<string, string>)[k] = v;
  if (r.mud_json !== null && r.mud_digest !== null) {
    d.mud = { json: r.mud_json, digest: r.mud_digest, signed: millis(r.mud_signed) === 1 };
    if (r.mud_signer !== null) d.mud.signer = r.mud_signer;
  }
  if (r.fetched_at !== null && r.valid_until !== null) {
    d.fetch = { fetchedAt: date(r.fetched_at), validUntil: date(r.valid_until), failures: millis(r.fetch_failures) };
    if (r.fetch_etag !== null) d.fetch.etag = r.fetch_etag;
    const next = optionalDate(r.next_attempt);
    if (next !== undefined) d.fetch.nextAttempt = next;
  } else if (millis(r.fetch_failures) > 0) d.failedAttempts = millis(r.fetch_failures);
  if (r.last_error_code !== null && r.last_error_at !== null)
    d.lastError = { code: r.last_error_code, message: r.last_error_message ?? '', at: date(r.last_error_at) };
  const due = optionalDate(r.due_at);
  if (due !== undefined) d.dueAt = due;
  return d;
}

function columns(d: IntentDeviceInput) {
  return {
    guid: orNull(d.guid),
    name: orNull(d.name),
    ipv4: orNull(d.ipv4),
    ipv6: orNull(d.ipv6),
    mud_url: orNull(d.mudUrl),
    url_source: d.urlSource,
    mud_json: orNull(d.mud?.json),
    mud_digest: orNull(d.mud?.digest),
    mud_signer: orNull(d.mud?.signer),
    mud_signed: d.mud?.signed === true ? 1 : 0,
    fetch_etag: orNull(d.fetch?.etag),
    fetched_at: ms(d.fetch?.fetchedAt),
    valid_until: ms(d.fetch?.validUntil),
    fetch_failures: d.fetch?.failures ?? d.failedAttempts ?? 0,
    next_attempt: ms(d.fetch?.nextAttempt),
    last_error_code: orNull(d.lastError?.code),
    last_error_message: orNull(d.lastError?.message.slice(0, 2000)),
    last_error_at: ms(d.lastError?.at),
    names: JSON.stringify(d.names.map((n) => ({ name: n.name, addresses: n.addresses, expiresAt: n.expiresAt.getTime() }))),
    state: d.state,
    rule_count: d.ruleCount,
    due_at: ms(d.dueAt),
  };
}

export function sqlIntentDeviceRepository({ db, clock }: SqlContext): IntentDeviceRepository {
  return {
    async get(mac) {
      if (!isIntentMac(mac)) return undefined;
      const row = await db.selectFrom('intent_devices').selectAll().where('mac', '=', mac).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async findByAddress({ ipv4, ipv6 }) {
      if (ipv4 === undefined && ipv6 === undefined) return undefined;
      // A removed device's address may belong to another device by now (a lease handed on).
      let q = db.selectFrom('intent_devices').selectAll().where('state', '!=', 'removed');
      q = q.where((eb) =>
        eb.or([...(ipv4 === undefined ? [] : [eb('ipv4', '=', ipv4)]), ...(ipv6 === undefined ? [] : [eb('ipv6', '=', ipv6)])]),
      );
      const row = await q.orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async findByGuid(guid) {
      const rows = await db.selectFrom('intent_devices').selectAll().where('guid', '=', guid).orderBy('mac').limit(100).execute();
      return rows.map(record);
    },
    async put(device) {
      checkIntentDevice(device);
      const now = clock().getTime();
      const changed = { ...columns(device), updated_at: now };
      const row = await db
        .insertInto('intent_devices')
        .values({ mac: device.mac, ...changed, created_at: now })
        .onConflict((oc) => oc.column('mac').doUpdateSet(changed))
        .returningAll()
        .executeTakeFirstOrThrow();
      return record(row);
    },
    async delete(mac) {
      if (!isIntentMac(mac)) return false;
      return affected(await db.deleteFrom('intent_devices').where('mac', '=', mac).executeTakeFirst()) > 0;
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('intent_devices').selectAll();
      if (page?.state !== undefined) q = q.where('state', '=', page.state);
      if (after !== undefined) q = q.where('mac', '>', after);
      const rows = await q
        .orderBy('mac')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.mac);
    },
    async due(now, limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new TypeError('limit is 1..10000');
      const rows = await db
        .selectFrom('intent_devices')
        .selectAll()
        .where('due_at', 'is not', null)
        .where('due_at', '<=', now.getTime())
        .orderBy('due_at')
        .orderBy('mac')
        .limit(limit)
        .execute();
      return rows.map(record);
    },
  };
}
