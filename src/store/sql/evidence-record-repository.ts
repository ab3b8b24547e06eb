import { createHash } from 'node:crypto';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { AttachmentInfo, EvidenceRecordRepository, ManualEvidenceRecord, ProbeRecord } from '../evidence-record-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date, paged, pageLimit } from './rows.ts';
import { decodeTimeCursor, timeKey } from './time-cursor.ts';

interface ManualRow {
  id: string;
  model: string;
  catalog: string;
  provision: string;
  statement: string;
  outcome: string;
  by: string;
  at: number | string;
}

interface AttachmentRow {
  evidence_id: string;
  name: string;
  media_type: string;
  size: number | string;
  sha256: string;
}

const ATTACHMENT_COLUMNS = ['evidence_id', 'n', 'name', 'media_type', 'size', 'sha256'] as const;

const attachmentInfo = (a: AttachmentRow): AttachmentInfo => ({
  name: a.name,
  mediaType: a.media_type,
  size: Number(a.size),
  sha256: a.sha256,
});

const manual = (r: ManualRow, attachments: AttachmentRow[]): ManualEvidenceRecord => ({
  id: r.id,
  model: r.model,
  catalog: r.catalog,
  provision: r.provision,
  statement: r.statement,
  outcome: r.outcome,
  attachments: attachments.filter((a) => a.evidence_id === r.id).map(attachmentInfo),
  by: r.by,
  at: date(r.at),
});

const probe = (r: Omit<ProbeRecord, 'at'> & { at: number | string }): ProbeRecord => ({
  id: r.id,
  model: r.model,
  result: r.result,
  by: r.by,
  at: date(r.at),
});

export function sqlEvidenceRecordRepository({ db }: SqlContext): EvidenceRecordRepository {
  const withAttachments = async (rows: ManualRow[]): Promise<ManualEvidenceRecord[]> => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const atts = await db
      .selectFrom('evidence_attachments')
      .select(ATTACHMENT_COLUMNS)
      .where('evidence_id', 'in', ids)
      .orderBy('n')
      .execute();
    return rows.map((r) => manual(r, atts));
  };
  const repo: EvidenceRecordRepository = {
    async addManual(e) {
      // Statement and attachments belong together: one transaction, or the caller's.
      const insert = async (trx: typeof db) => {
        const res = await trx
          .insertInto('manual_evidence')
          .values({
            id: e.id,
            model: e.model,
            catalog: e.catalog,
            provision: e.provision,
            statement: e.statement,
            outcome: e.outcome,
            by: e.by,
            at: e.at.getTime(),
          })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `manual evidence ${e.id} exists`);
        for (const [n, a] of e.attachments.entries())
          await trx
            .insertInto('evidence_attachments')
            .values({
              evidence_id: e.id,
              n,
              name: a.name,
              media_type: a.mediaType,
              size: a.bytes.length,
              sha256: createHash('sha256').update(a.bytes).digest('hex'),
              bytes: a.bytes,
            })
            .execute();
      };
      if (db.isTransaction) await insert(db);
      else await db.transaction().execute(insert);
      const made = await repo.getManual(e.id);
      if (made === undefined) throw new Error('the manual evidence row vanished');
      return made;
    },
    async getManual(id) {
      const row = await db.selectFrom('manual_evidence').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : (await withAttachments([row]))[0];
    },
    async listManual(model, request) {
      const limit = pageLimit(request);
      const k = decodeTimeCursor(request?.after);
      let q = db
        .selectFrom('manual_evidence')
        .selectAll()
        .where('model', '=', model)
        .orderBy('at')
        .orderBy('id')
        .limit(limit + 1);
      if (k !== undefined) q = q.where((eb) => eb.or([eb('at', '>', k.at), eb.and([eb('at', '=', k.at), eb('id', '>', k.id)])]));
      const rows = await q.execute();
      const page = paged(rows, limit, (r) => r, timeKey);
      return { ...page, items: await withAttachments(page.items) };
    },
    async attachment(evidenceId, n) {
      const row = await db
        .selectFrom('evidence_attachments')
        .selectAll()
        .where('evidence_id', '=', evidenceId)
        .where('n', '=', n)
        .executeTakeFirst();
      return row === undefined ? undefined : { ...attachmentInfo(row), bytes: bytes(row.bytes) };
    },
    async addProbe(p) {
      const res = await db
        .insertInto('probe_results')
        .values({ id: p.id, model: p.model, result: p.result, by: p.by, at: p.at.getTime() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a probe result ${p.id} exists`);
    },
    async latestProbe(model) {
      const row = await db
        .selectFrom('probe_results')
        .selectAll()
        .where('model', '=', model)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : probe(row);
    },
    async listProbes(model, request) {
      const limit = pageLimit(request);
      const k = decodeTimeCursor(request?.after);
      let q = db
        .selectFrom('probe_results')
        .selectAll()
        .where('model', '=', model)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (k !== undefined) q = q.where((eb) => eb.or([eb('at', '<', k.at), eb.and([eb('at', '=', k.at), eb('id', '<', k.id)])]));
      return paged(await q.execute(), limit, probe, timeKey);
    },
  };
  return repo;
}
