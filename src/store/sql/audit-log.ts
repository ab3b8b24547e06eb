import { type AuditLog, type AuditRecord, MAX_AUDIT_SUBJECTS } from '../audit-log.ts';
import { ERR_STORE_CURSOR, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { preparedQuery } from './prepared-query.ts';
import { date, decodeCursor, millis, paged, pageLimit } from './rows.ts';

interface Row {
  id: number | string;
  at: number | string;
  actor: string;
  action: string;
  subject: string;
  details: string;
}

const record = (r: Row): AuditRecord => ({
  id: millis(r.id),
  at: date(r.at),
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

/** Appending is in every audited change: precompiled (prepared-query.ts). */
export const INSERT_AUDIT_RECORD = preparedQuery((db, p: { at: number; actor: string; action: string; subject: string; details: string }) =>
  db.insertInto('audit_log').values({ at: p.at, actor: p.actor, action: p.action, subject: p.subject, details: p.details }).returning('id'),
);

export function sqlAuditLog({ db, clock, prepared }: SqlContext): AuditLog {
  return {
    async append({ actor, action, subject, details = {} }) {
      const at = clock().getTime();
      const row = (await prepared.run(db, INSERT_AUDIT_RECORD, { at, actor, action, subject, details: JSON.stringify(details) })).rows[0];
      if (row === undefined) throw new Error('audit_log: an insert returned no id');
      return { id: millis(row.id), at: new Date(at), actor, action, subject, details: JSON.parse(JSON.stringify(details)) };
    },
    async list(page) {
      const limit = pageLimit(page);
      const cursor = decodeCursor(page?.after);
      let q = db.selectFrom('audit_log').selectAll();
      if (page?.subject !== undefined) q = q.where('subject', '=', page.subject);
      const subjects = page?.subjects;
      if (subjects !== undefined) {
        if (subjects.length < 1 || subjects.length > MAX_AUDIT_SUBJECTS)
          throw new TypeError(`an audit listing takes 1..${MAX_AUDIT_SUBJECTS} subjects`);
        q = q.where('subject', 'in', subjects);
      }
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
