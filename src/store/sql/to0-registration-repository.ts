import type { To0RegistrationRecord, To0RegistrationRepository } from '../to0-registration-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, guidBytes, guidHex, millis, optionalDate, paged, pageLimit } from './rows.ts';

interface Row {
  guid: string;
  rendezvous: string | null;
  wait_seconds: number | string | null;
  registered_at: number | string | null;
  registered_until: number | string | null;
  refresh_at: number | string | null;
  last_attempt_at: number | string;
  failures: number | string;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | string | null;
  retry_at: number | string | null;
}

/** Only the fields the row has: an absent one stays absent rather than `undefined`. */
function record(r: Row): To0RegistrationRecord {
  const times = { registeredAt: r.registered_at, registeredUntil: r.registered_until, refreshAt: r.refresh_at, retryAt: r.retry_at };
  const out: To0RegistrationRecord = { guid: guidBytes(r.guid), lastAttemptAt: date(r.last_attempt_at), failures: millis(r.failures) };
  if (r.rendezvous !== null) out.rendezvous = r.rendezvous;
  if (r.wait_seconds !== null) out.waitSeconds = millis(r.wait_seconds);
  for (const [k, v] of Object.entries(times)) {
    const d = optionalDate(v);
    if (d !== undefined) out[k as keyof typeof times] = d;
  }
  if (r.last_error_code !== null && r.last_error_at !== null) {
    out.lastError = { code: r.last_error_code, message: r.last_error_message ?? '', at: date(r.last_error_at) };
  }
  return out;
}

const time = (d: Date | undefined, what: string): number | null => {
  if (d === undefined) return null;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError(`a TO0 registration's ${what} must be a valid Date`);
  return d.getTime();
};

function columns(r: To0RegistrationRecord) {
  const lastAttemptAt = time(r.lastAttemptAt, 'lastAttemptAt');
  if (lastAttemptAt === null) throw new TypeError("a TO0 registration's lastAttemptAt must be a valid Date");
  if (!Number.isSafeInteger(r.failures) || r.failures < 0) throw new TypeError("a TO0 registration's failures must be a count");
  if (r.waitSeconds !== undefined && (!Number.isSafeInteger(r.waitSeconds) || r.waitSeconds < 0)) {
    throw new TypeError("a TO0 registration's waitSeconds must be a whole number of seconds");
  }
  return {
    rendezvous: r.rendezvous ?? null,
    wait_seconds: r.waitSeconds ?? null,
    registered_at: time(r.registeredAt, 'registeredAt'),
    registered_until: time(r.registeredUntil, 'registeredUntil'),
    refresh_at: time(r.refreshAt, 'refreshAt'),
    last_attempt_at: lastAttemptAt,
    failures: r.failures,
    last_error_code: r.lastError?.code ?? null,
    last_error_message: r.lastError?.message ?? null,
    last_error_at: time(r.lastError?.at, 'lastError.at'),
    retry_at: time(r.retryAt, 'retryAt'),
  };
}

/** The voucher states whose registration the owner keeps fresh. */
const KEPT_REGISTERED = ['imported', 'registered'];

export function sqlTo0RegistrationRepository({ db, clock }: SqlContext): To0RegistrationRepository {
  return {
    async get(guid) {
      const row = await db.selectFrom('to0_registrations').selectAll().where('guid', '=', guidHex(guid)).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async put(r) {
      const values = { ...columns(r), updated_at: clock().getTime() };
      await db
        .insertInto('to0_registrations')
        .values({ guid: guidHex(r.guid), ...values })
        .onConflict((oc) => oc.column('guid').doUpdateSet(values))
        .execute();
    },
    async delete(guid) {
      return affected(await db.deleteFrom('to0_registrations').where('guid', '=', guidHex(guid)).executeTakeFirst()) > 0;
    },
    async listDue(now, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      const t = now.getTime();
      let q = db
        .selectFrom('to0_registrations as r')
        .selectAll('r')
        .where((eb) => eb.or([eb('r.refresh_at', '<=', t), eb('r.failures', '>', 0)]))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('vouchers as v')
              .select('v.guid')
              .whereRef('v.guid', '=', 'r.guid')
              .where('v.side', '=', 'owner')
              .where('v.state', 'in', KEPT_REGISTERED),
          ),
        );
      if (after !== undefined) q = q.where('r.guid', '>', after);
      const rows = await q
        .orderBy('r.guid')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.guid);
    },
  };
}
