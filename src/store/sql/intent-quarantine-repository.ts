import { ERR_STORE_CURSOR, StoreError } from '../errors.ts';
import {
  type IntentQuarantineAction,
  type IntentQuarantineRecord,
  type IntentQuarantineRepository,
  MAX_INTENT_REASON_CHARS,
} from '../intent-quarantine-repository.ts';
import type { SqlContext } from './context.ts';
import { date, decodeCursor, millis, paged, pageLimit } from './rows.ts';

interface Row {
  id: number | string;
  mac: string;
  action: string;
  actor: string;
  reason: string;
  at: number | string;
}

const record = (r: Row): IntentQuarantineRecord => ({
  id: millis(r.id),
  mac: r.mac,
  action: r.action as IntentQuarantineAction,
  actor: r.actor,
  reason: r.reason,
  at: date(r.at),
});

export function sqlIntentQuarantineRepository({ db, clock }: SqlContext): IntentQuarantineRepository {
  return {
    async append({ mac, action, actor, reason }) {
      if (action !== 'quarantine' && action !== 'release') throw new TypeError('action is quarantine or release');
      if (typeof reason !== 'string' || reason.length > MAX_INTENT_REASON_CHARS)
        throw new TypeError(`a reason is at most ${MAX_INTENT_REASON_CHARS} characters`);
      const at = clock().getTime();
      const row = await db
        .insertInto('intent_quarantine_actions')
        .values({ mac, action, actor, reason, at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return record(row);
    },
    async list(page) {
      const limit = pageLimit(page);
      const cursor = decodeCursor(page?.after);
      let q = db.selectFrom('intent_quarantine_actions').selectAll();
      if (page?.mac !== undefined) q = q.where('mac', '=', page.mac);
      if (cursor !== undefined) {
        const after = Number(cursor);
        if (!Number.isSafeInteger(after)) throw new StoreError(ERR_STORE_CURSOR, 'malformed page cursor');
        q = q.where('id', '>', after);
      }
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => String(r.id));
    },
  };
}
