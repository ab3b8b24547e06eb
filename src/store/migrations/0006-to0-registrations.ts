import type { Kysely, Migration } from 'kysely';
import type { Database } from '../schema.ts';

/** Where the owner kept each voucher's TO0 status before this table: JSON in settings scope `owner.to0`, key the GUID in hex. */
const OLD_SCOPE = 'owner.to0';
/**
 * The refresh job's default margin when this table was made: register again when a quarter of
 * the granted lifetime remains. Rows moved here get their `refresh_at` from it; later writes
 * compute their own.
 */
const MIGRATED_REFRESH_MARGIN = 0.25;

interface OldStatus {
  rendezvous?: string;
  waitSeconds?: number;
  registeredAt?: string;
  lastAttemptAt: string;
  failures: number;
  lastError?: { code: string; message: string; at: string };
  retryAt?: string;
}

const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const optionalTime = (v: unknown): number | null => (isTime(v) ? Date.parse(v) : null);

/** A status as the owner API wrote it, or undefined for anything else (that stays in settings). */
function oldStatus(value: string): OldStatus | undefined {
  let v: Partial<OldStatus>;
  try {
    v = JSON.parse(value) as Partial<OldStatus>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return isTime(v.lastAttemptAt) && Number.isSafeInteger(v.failures) && (v.failures ?? -1) >= 0 ? (v as OldStatus) : undefined;
}

/** When to register again: the margin's share of the lifetime before the registration runs out. */
function refreshAt(until: number | null, waitSeconds: number | null, from: number): number | null {
  if (until === null) return null;
  const lifetime = waitSeconds === null ? until - from : waitSeconds * 1000;
  return Math.round(until - Math.max(0, lifetime) * MIGRATED_REFRESH_MARGIN);
}

/**
 * The owner's TO0 registrations as typed rows, so the refresh job can ask for the due ones instead
 * of reading every voucher's status. Statuses kept in settings scope `owner.to0` move here, with
 * `registered_until` from the owner's voucher row; a voucher registered before those statuses
 * existed gets a row from its voucher alone. A status without the owner API's shape stays in settings.
 */
export function to0Registrations(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      await untyped.schema
        .createTable('to0_registrations')
        .addColumn('guid', 'text', (c) => c.primaryKey())
        .addColumn('rendezvous', 'text')
        .addColumn('wait_seconds', 'integer')
        .addColumn('registered_at', 'bigint')
        .addColumn('registered_until', 'bigint')
        .addColumn('refresh_at', 'bigint')
        .addColumn('last_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_error_code', 'text')
        .addColumn('last_error_message', 'text')
        .addColumn('last_error_at', 'bigint')
        .addColumn('retry_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await untyped.schema.createIndex('to0_registrations_refresh_at').on('to0_registrations').column('refresh_at').execute();
      await untyped.schema.createIndex('to0_registrations_retry_at').on('to0_registrations').column('retry_at').execute();
      const db = untyped as unknown as Kysely<Database>;
      await moveFromSettings(db);
      await addRegisteredVouchers(db);
    },
  };
}

async function moveFromSettings(db: Kysely<Database>): Promise<void> {
  const rows = await db.selectFrom('settings').select(['key', 'value', 'updated_at']).where('scope', '=', OLD_SCOPE).execute();
  for (const row of rows) {
    const old = oldStatus(row.value);
    if (old === undefined || !/^[0-9a-fA-F]{32}$/.test(row.key)) continue;
    const guid = row.key.toLowerCase();
    const voucher = await db
      .selectFrom('vouchers')
      .select(['registered_until', 'updated_at'])
      .where('side', '=', 'owner')
      .where('guid', '=', guid)
      .executeTakeFirst();
    const until = voucher?.registered_until == null ? null : Number(voucher.registered_until);
    const waitSeconds = Number.isSafeInteger(old.waitSeconds) ? (old.waitSeconds as number) : null;
    const registeredAt = optionalTime(old.registeredAt);
    const error = old.lastError !== undefined && typeof old.lastError.code === 'string' ? old.lastError : undefined;
    await db
      .insertInto('to0_registrations')
      .values({
        guid,
        rendezvous: typeof old.rendezvous === 'string' ? old.rendezvous : null,
        wait_seconds: waitSeconds,
        registered_at: registeredAt,
        registered_until: until,
        refresh_at: refreshAt(until, waitSeconds, registeredAt ?? Number(voucher?.updated_at ?? 0)),
        last_attempt_at: Date.parse(old.lastAttemptAt),
        failures: old.failures,
        last_error_code: error?.code ?? null,
        last_error_message: error === undefined ? null : String(error.message ?? ''),
        last_error_at: error === undefined ? null : (optionalTime(error.at) ?? Date.parse(old.lastAttemptAt)),
        retry_at: optionalTime(old.retryAt),
        updated_at: Number(row.updated_at),
      })
      .onConflict((oc) => oc.column('guid').doNothing())
      .execute();
    await db.deleteFrom('settings').where('scope', '=', OLD_SCOPE).where('key', '=', row.key).execute();
  }
}

/** Owner vouchers with a registration but no status: their lifetime counts from the voucher's last update. */
async function addRegisteredVouchers(db: Kysely<Database>): Promise<void> {
  const vouchers = await db
    .selectFrom('vouchers')
    .select(['guid', 'registered_until', 'updated_at'])
    .where('side', '=', 'owner')
    .where('registered_until', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('to0_registrations as r').select('r.guid').whereRef('r.guid', '=', 'vouchers.guid'))),
    )
    .execute();
  for (const v of vouchers) {
    const until = Number(v.registered_until);
    const updatedAt = Number(v.updated_at);
    await db
      .insertInto('to0_registrations')
      .values({
        guid: v.guid,
        rendezvous: null,
        wait_seconds: null,
        registered_at: null,
        registered_until: until,
        refresh_at: refreshAt(until, null, updatedAt),
        last_attempt_at: updatedAt,
        failures: 0,
        last_error_code: null,
        last_error_message: null,
        last_error_at: null,
        retry_at: null,
        updated_at: updatedAt,
      })
      .execute();
  }
}
