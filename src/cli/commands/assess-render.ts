/** How `iotopia assess` prints an assessment, its list and a diff for people (--json prints them whole). */

export interface AssessmentView {
  id: string;
  productModel: string;
  market?: string;
  catalogs: { id: string; version: string }[];
  at: string;
  results: { catalog: string; provision: string; status: string; outcome: string }[];
  summary: Record<string, number>;
  gaps: { catalog: string; provision: string; outcome: string; remedy: string }[];
}

export interface AssessmentInfoView {
  id: string;
  productModel: string;
  market?: string;
  catalogs: string[];
  at: string;
  summary: Record<string, number>;
}

export interface DiffView {
  from: string;
  to: string;
  changes: { catalog: string; provision: string; before?: string; after?: string; why: string }[];
}

type Text = (s: string) => string;

const counts = (s: Record<string, number>) =>
  `met ${s['met'] ?? 0}, not met ${s['notMet'] ?? 0}, partially met ${s['partiallyMet'] ?? 0}, not applicable ${s['notApplicable'] ?? 0}, manual evidence needed ${s['manualEvidenceNeeded'] ?? 0}`;

/** EN 303 645 Table B.1's mandatory statuses: M, and M C once its condition holds. */
export const mandatoryNotMet = (a: AssessmentView) =>
  a.results.filter((r) => (r.status === 'M' || r.status === 'M C') && r.outcome === 'not-met');

export function assessmentLines(a: AssessmentView, text: Text): string[] {
  const status = new Map(a.results.map((r) => [`${r.catalog} ${r.provision}`, r.status]));
  return [
    `assessment ${text(a.id)} of ${text(a.productModel)}${a.market === undefined ? '' : ` for market ${text(a.market)}`} at ${text(a.at)}`,
    `catalogs: ${a.catalogs.map((c) => `${text(c.id)} ${text(c.version)}`).join(', ')}`,
    counts(a.summary),
    ...(a.gaps.length === 0 ? ['no gaps'] : [`gaps (${a.gaps.length}), most important first:`]),
    ...a.gaps.map(
      (g) =>
        `  ${text(g.catalog)} ${text(g.provision)} [${text(status.get(`${g.catalog} ${g.provision}`) ?? '?')}] ${text(g.outcome)}: ${text(g.remedy)}`,
    ),
  ];
}

export const infoLine = (a: AssessmentInfoView, text: Text) =>
  `${text(a.id)}  ${text(a.at)}  ${a.market === undefined ? text(a.catalogs.join(',')) : `market ${text(a.market)}`}  ${counts(a.summary)}`;

export function diffLines(d: DiffView, text: Text): string[] {
  if (d.changes.length === 0) return [`no changes from ${text(d.from)} to ${text(d.to)}`];
  return [
    `changes from ${text(d.from)} to ${text(d.to)}:`,
    ...d.changes.map(
      (c) => `  ${text(c.catalog)} ${text(c.provision)}: ${text(c.before ?? '(absent)')} → ${text(c.after ?? '(absent)')} — ${text(c.why)}`,
    ),
  ];
}
