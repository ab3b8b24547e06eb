import type { AssessmentInfo, AssessmentRecord, AssessmentRepository } from '../assessment-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { affected, date, paged, pageLimit } from './rows.ts';
import { decodeTimeCursor, timeKey } from './time-cursor.ts';

const INFO_COLUMNS = [
  'id',
  'model',
  'market',
  'catalogs',
  'at',
  'met',
  'not_met',
  'partially_met',
  'not_applicable',
  'manual_evidence_needed',
] as const;

interface InfoRow {
  id: string;
  model: string;
  market: string | null;
  catalogs: string;
  at: number | string;
  met: number | string;
  not_met: number | string;
  partially_met: number | string;
  not_applicable: number | string;
  manual_evidence_needed: number | string;
}

const info = (r: InfoRow): AssessmentInfo => ({
  id: r.id,
  model: r.model,
  ...(r.market === null ? {} : { market: r.market }),
  catalogs: JSON.parse(r.catalogs) as string[],
  at: date(r.at),
  counts: {
    met: Number(r.met),
    notMet: Number(r.not_met),
    partiallyMet: Number(r.partially_met),
    notApplicable: Number(r.not_applicable),
    manualEvidenceNeeded: Number(r.manual_evidence_needed),
  },
});

export function sqlAssessmentRepository({ db }: SqlContext): AssessmentRepository {
  return {
    async create(a: AssessmentRecord) {
      const res = await db
        .insertInto('assessments')
        .values({
          id: a.id,
          model: a.model,
          market: a.market ?? null,
          catalogs: JSON.stringify(a.catalogs),
          at: a.at.getTime(),
          met: a.counts.met,
          not_met: a.counts.notMet,
          partially_met: a.counts.partiallyMet,
          not_applicable: a.counts.notApplicable,
          manual_evidence_needed: a.counts.manualEvidenceNeeded,
          result: a.result,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `an assessment ${a.id} exists`);
    },
    async get(id) {
      const row = await db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : { ...info(row), result: row.result };
    },
    async list(model, request) {
      const limit = pageLimit(request);
      const k = decodeTimeCursor(request?.after);
      let q = db
        .selectFrom('assessments')
        .select(INFO_COLUMNS)
        .where('model', '=', model)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (k !== undefined) q = q.where((eb) => eb.or([eb('at', '<', k.at), eb.and([eb('at', '=', k.at), eb('id', '<', k.id)])]));
      return paged(await q.execute(), limit, info, timeKey);
    },
  };
}
