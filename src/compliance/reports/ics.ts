/**
 * The Implementation Conformance Statement of ETSI EN 303 645 (Annex B, Table B.1): for each
 * provision its status, whether the product supports it (Y, N or N/A) and a detail. The rows are
 * worked out from an assessment's results for its EN 303 645 catalog:
 *   met → Y; not met / partially met → N, the detail saying what is missing;
 *   not applicable → N/A, the detail naming the condition that does not hold;
 *   manual evidence needed → support left empty (IoTopia cannot answer Y or N for the maker), the
 *   detail saying "manual evidence needed" and what to provide.
 */
import type { Assessment, ProvisionResult, RuleResult } from '../assessment/result-types.ts';
import type { ProvisionStatus } from '../catalogs/catalog-types.ts';
import { csvText } from './csv.ts';
import { ReportError } from './errors.ts';
import { formatTime } from './html-labels.ts';

/** Table B.1's support column: Y, N, N/A; empty while manual evidence is missing. */
export type IcsSupport = 'Y' | 'N' | 'N/A' | '';

export interface IcsRow {
  /** The provision's number as the standard gives it, e.g. "5.1-1". */
  provision: string;
  /** Its one-line title, in IoTopia's words. */
  title: string;
  status: ProvisionStatus;
  support: IcsSupport;
  detail: string;
}

/** EN 303 645 catalog ids start with this (e.g. "en303645-v3"). */
export const EN303645_CATALOG_PREFIX = 'en303645';

export const ICS_CSV_HEADER = ['Provision', 'Title', 'Status', 'Support', 'Detail'] as const;

export function icsRows(assessment: Assessment, catalogId?: string): IcsRow[] {
  const catalog = icsCatalog(assessment, catalogId);
  return assessment.results.filter((r) => r.catalog === catalog.id).map(icsRow);
}

export function icsCsv(assessment: Assessment, catalogId?: string): string {
  const rows = icsRows(assessment, catalogId).map((r) => [r.provision, r.title, r.status, r.support, r.detail]);
  return csvText([ICS_CSV_HEADER, ...rows]);
}

/** The statement as JSON: which product, catalog and assessment it is for, and its rows. */
export function icsJson(assessment: Assessment, catalogId?: string): string {
  const catalog = icsCatalog(assessment, catalogId);
  const statement = {
    standard: 'ETSI EN 303 645',
    table: 'B.1',
    catalog,
    productModel: assessment.productModel,
    assessment: assessment.id,
    at: formatTime(assessment.at),
    rows: icsRows(assessment, catalog.id),
  };
  return `${JSON.stringify(statement, null, 2)}\n`;
}

/** The EN 303 645 catalog the statement is for: the one named, or the only one assessed. */
export function icsCatalog(assessment: Assessment, catalogId?: string): Assessment['catalogs'][number] {
  const candidates = assessment.catalogs.filter((c) => c.id.startsWith(EN303645_CATALOG_PREFIX));
  if (catalogId !== undefined) {
    const named = candidates.find((c) => c.id === catalogId);
    if (named !== undefined) return named;
    throw new ReportError('ERR_REPORT_NO_ICS', `assessment ${assessment.id} has no EN 303 645 catalog ${JSON.stringify(catalogId)}`);
  }
  const [only, ...more] = candidates;
  if (only === undefined) {
    throw new ReportError(
      'ERR_REPORT_NO_ICS',
      `assessment ${assessment.id} includes no EN 303 645 catalog; assess one (e.g. --catalog en303645-v3) for an ICS`,
    );
  }
  if (more.length > 0) {
    const ids = candidates.map((c) => c.id).join(', ');
    throw new ReportError(
      'ERR_REPORT_ICS_AMBIGUOUS',
      `assessment ${assessment.id} includes several EN 303 645 catalogs (${ids}); name one`,
    );
  }
  return only;
}

function icsRow(r: ProvisionResult): IcsRow {
  const base = { provision: r.provision, title: r.title, status: r.status };
  switch (r.outcome) {
    case 'met':
      return { ...base, support: 'Y', detail: joinDetail([...r.rules.map(ruleDetail), manualDetail(r)]) };
    case 'not-met':
    case 'partially-met':
      return { ...base, support: 'N', detail: joinDetail([outcomeWord(r), missingDetail(r), remedyDetail(r.remedy)]) };
    case 'not-applicable':
      return { ...base, support: 'N/A', detail: joinDetail([conditionDetail(r), manualDetail(r)]) };
    case 'manual-evidence-needed':
      return { ...base, support: '', detail: joinDetail(['manual evidence needed', remedyDetail(r.remedy)]) };
    default:
      throw new TypeError(`provision ${r.provision} has an unknown outcome ${JSON.stringify(r.outcome)}`);
  }
}

function outcomeWord(r: ProvisionResult): string {
  return r.outcome === 'partially-met' ? 'partially met' : 'not met';
}

/** What is missing: the findings of the rules that are not met, else the maker's own statement. */
function missingDetail(r: ProvisionResult): string {
  const open = r.rules.filter((rule) => rule.outcome !== 'met');
  if (open.length > 0) return joinDetail(open.map(ruleDetail));
  return manualDetail(r);
}

function ruleDetail(rule: RuleResult): string {
  return `${rule.rule}: ${rule.detail}`;
}

function manualDetail(r: ProvisionResult): string {
  return r.manual === undefined ? '' : `stated by ${r.manual.by} (${formatTime(r.manual.at)}): ${r.manual.statement}`;
}

function conditionDetail(r: ProvisionResult): string {
  return r.condition === undefined ? 'not applicable' : `condition ${r.condition.id} does not hold: ${r.condition.text}`;
}

function remedyDetail(remedy: string | undefined): string {
  return remedy === undefined || remedy === '' ? '' : `to do: ${remedy}`;
}

function joinDetail(parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join('; ');
}
