import { sql } from 'kysely';
import {
  checkIntentViolation,
  type IntentViolationDirection,
  type IntentViolationRecord,
  type IntentViolationRepository,
  violationKey,
} from '../intent-violation-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, millis, paged, pageLimit } from './rows.ts';

interface Row {
  key: string;
  mac: string;
  direction: string;
  protocol: number | string;
  peer: string;
  peer_port: number | string;
  local_port: number | string;
  acl: string;
  first_seen: number | string;
  last_seen: number | string;
  count: number | string;
}

const record = (r: Row): IntentViolationRecord => ({
  mac: r.mac,
  direction: r.direction as IntentViolationDirection,
  protocol: millis(r.protocol),
  peer: r.peer,
  peerPort: millis(r.peer_port),
  localPort: millis(r.local_port),
  acl: r.acl,
  firstSeen: date(r.first_seen),
  lastSeen: date(r.last_seen),
  count: millis(r.count),
});

export function sqlIntentViolationRepository({ db, dialect }: SqlContext): IntentViolationRepository {
  return {
    async record(v) {
      checkIntentViolation(v);
      const at = v.at.getTime();
      const count = v.count ?? 1;
      // Two-argument min/max: SQLite's scalar functions, PostgreSQL's least/greatest.
      const [lo, hi] = dialect === 'postgres' ? [sql.raw('least'), sql.raw('greatest')] : [sql.raw('min'), sql.raw('max')];
      const row = await db
        .insertInto('intent_violations')
        .values({
          key: violationKey(v),
          mac: v.mac,
          direction: v.direction,
          protocol: v.protocol,
          peer: v.peer,
          peer_port: v.peerPort,
          local_port: v.localPort,
          acl: v.acl,
          first_seen: at,
          last_seen: at,
          count,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            acl: v.acl,
            count: sql<number>`intent_violations.count + ${count}`,
            first_seen: sql<number>`${lo}(intent_violations.first_seen, ${at})`,
            last_seen: sql<number>`${hi}(intent_violations.last_seen, ${at})`,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return record(row);
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('intent_violations').selectAll();
      if (page?.mac !== undefined) q = q.where('mac', '=', page.mac);
      if (after !== undefined) q = q.where('key', '>', after);
      const rows = await q
        .orderBy('key')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.key);
    },
    async get(key) {
      const row = await db.selectFrom('intent_violations').selectAll().where('key', '=', violationKey(key)).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async total(mac) {
      const r = await db
        .selectFrom('intent_violations')
        .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
        .where('mac', '=', mac)
        .executeTakeFirst();
      return r?.n == null ? 0 : Number(r.n);
    },
    async clear(mac) {
      return affected(await db.deleteFrom('intent_violations').where('mac', '=', mac).executeTakeFirst());
    },
  };
}
