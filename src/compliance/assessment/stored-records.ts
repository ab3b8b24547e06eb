/**
 * Assessments and manual evidence as the store keeps them, and back. The store holds an
 * assessment as JSON; times come back as Dates. Stored rows were written by this code, so a row
 * that does not read back is corruption, not input.
 */
import type { AssessmentRecord } from '../../store/assessment-repository.ts';
import type { ManualEvidenceRecord } from '../../store/evidence-record-repository.ts';
import { AssessmentError } from './errors.ts';
import { MANUAL_OUTCOMES } from './evidence-limits.ts';
import type { Assessment, ManualEvidence } from './result-types.ts';

export function toRecord(a: Assessment): AssessmentRecord {
  return {
    id: a.id,
    model: a.productModel,
    ...(a.market === undefined ? {} : { market: a.market }),
    catalogs: a.catalogs.map((c) => c.id),
    at: a.at,
    counts: a.summary,
    result: JSON.stringify(a),
  };
}

const corrupt = (id: string, why: string) => new AssessmentError('ERR_ASSESSMENT_CORRUPT', `stored assessment ${id}: ${why}`);

function dateOf(v: unknown, id: string): Date {
  const d = typeof v === 'string' ? new Date(v) : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) throw corrupt(id, 'a time does not read back');
  return d;
}

export function fromRecord(r: AssessmentRecord): Assessment {
  let a: Assessment;
  try {
    a = JSON.parse(r.result) as Assessment;
  } catch (e) {
    throw new AssessmentError('ERR_ASSESSMENT_CORRUPT', `stored assessment ${r.id}: not JSON`, { cause: e });
  }
  if (a === null || typeof a !== 'object' || a.id !== r.id || !Array.isArray(a.results) || !Array.isArray(a.gaps))
    throw corrupt(r.id, 'not an assessment');
  return {
    ...a,
    at: dateOf(a.at, r.id),
    results: a.results.map((x) => (x.manual === undefined ? x : { ...x, manual: { ...x.manual, at: dateOf(x.manual.at, r.id) } })),
  };
}

export function manualOf(r: ManualEvidenceRecord): ManualEvidence {
  if (!(MANUAL_OUTCOMES as readonly string[]).includes(r.outcome))
    throw new AssessmentError('ERR_ASSESSMENT_CORRUPT', `stored manual evidence ${r.id}: outcome ${r.outcome}`);
  return {
    id: r.id,
    productModel: r.model,
    catalog: r.catalog,
    provision: r.provision,
    statement: r.statement,
    outcome: r.outcome as ManualEvidence['outcome'],
    attachments: r.attachments,
    by: r.by,
    at: r.at,
  };
}
