/**
 * Assessments of a product against a market's catalogs or one catalog: the service gathers the
 * inputs through its ports (catalogs, the product's facts, the evidence rules' results) and the
 * store (manual evidence), runs the pure engine, and keeps the result, audited. Assessments are
 * kept over time; two of one product can be compared.
 */
import { randomUUID } from 'node:crypto';
import type { AssessmentInfo } from '../../store/assessment-repository.ts';
import type { AttachmentInfo } from '../../store/evidence-record-repository.ts';
import type { Page, PageRequest } from '../../store/page.ts';
import type { Catalog, ConditionFact } from '../catalogs/catalog-types.ts';
import type { Product } from '../products/product-types.ts';
import { assessProduct } from './assess-product.ts';
import { diffAssessments } from './diff-assessments.ts';
import { AssessmentError } from './errors.ts';
import {
  addManualEvidence,
  allManualEvidence,
  latestProbe,
  listManualEvidence,
  listProbes,
  manualAttachment,
  type ProbeEntry,
  recordProbe,
} from './evidence-records.ts';
import { latestAssessments } from './latest-assessments.ts';
import type { NewManualEvidence } from './manual-evidence-input.ts';
import type { CatalogPort } from './ports.ts';
import type { Assessment, AssessmentDiff, ManualEvidence } from './result-types.ts';
import { type AssessmentServiceDeps, portsOf, productOf } from './service-context.ts';
import { fromRecord, toRecord } from './stored-records.ts';

export type AssessmentTarget = { market: string } | { catalog: string };

export interface AssessmentService {
  assess(model: string, target: AssessmentTarget, actor: string): Promise<Assessment>;
  get(id: string): Promise<Assessment>;
  /** The product's assessments, newest first, without their results. */
  list(model: string, page?: PageRequest): Promise<Page<AssessmentInfo>>;
  /** The newest assessment for each market and each catalog assessed alone, newest first. */
  latest(model: string): Promise<{ items: AssessmentInfo[]; complete: boolean }>;
  /** What changed from assessment `from` to `to`; both must be of one product. */
  diff(from: string, to: string): Promise<AssessmentDiff>;
  addManualEvidence(model: string, e: NewManualEvidence, by: string): Promise<ManualEvidence>;
  listManualEvidence(model: string, page?: PageRequest): Promise<Page<ManualEvidence>>;
  /** The bytes of attachment `n` (0-based) of one of the product's statements. */
  attachment(model: string, evidenceId: string, n: number): Promise<AttachmentInfo & { bytes: Uint8Array }>;
  recordProbe(model: string, result: unknown, by: string): Promise<ProbeEntry>;
  /** The newest probe of the product: what the evidence rule open-ports-match-mud reads. */
  latestProbe(model: string): Promise<ProbeEntry | undefined>;
  listProbes(model: string, page?: PageRequest): Promise<Page<ProbeEntry>>;
}

export const productFacts = (p: Product): Record<ConditionFact, boolean> => ({
  updatable: p.updatable,
  constrained: p.constrained,
  usesPasswords: p.usesPasswords,
  hasUserInterface: p.hasUserInterface,
  processesPersonalData: p.processesPersonalData,
});

function catalogsOf(port: CatalogPort, target: AssessmentTarget): { market?: string; catalogs: Catalog[] } {
  const load = (id: string) => {
    const c = port.catalog(id);
    if (c === undefined) throw new AssessmentError('ERR_ASSESSMENT_UNKNOWN_CATALOG', `no catalog ${id}`, { field: 'catalog' });
    return c;
  };
  if ('catalog' in target) return { catalogs: [load(target.catalog)] };
  if (!port.isMarket(target.market))
    throw new AssessmentError('ERR_ASSESSMENT_UNKNOWN_MARKET', `no market ${target.market}`, { field: 'market' });
  return { market: target.market, catalogs: port.marketCatalogs(target.market).map(load) };
}

export function assessmentService(deps: AssessmentServiceDeps): AssessmentService {
  const clock = deps.clock ?? (() => new Date());
  const get = async (id: string) => {
    const r = await deps.store.assessments.get(id);
    if (r === undefined) throw new AssessmentError('ERR_ASSESSMENT_NOT_FOUND', `no assessment ${id}`);
    return fromRecord(r);
  };
  return {
    async assess(model, target, actor) {
      const ports = portsOf(deps);
      const product = await productOf(deps, model);
      const { market, catalogs } = catalogsOf(ports.catalogs, target);
      const at = clock();
      const assessment = assessProduct({
        id: (deps.newId ?? randomUUID)(),
        model,
        ...(market === undefined ? {} : { market }),
        catalogs,
        productFacts: productFacts(product),
        ruleResults: await ports.evidence.ruleResults(model, at),
        manual: await allManualEvidence(deps, model),
        at,
      });
      await deps.store.transaction(async (r) => {
        await r.assessments.create(toRecord(assessment));
        await r.audit.append({
          actor,
          action: 'assessment.created',
          subject: model,
          details: { id: assessment.id, catalogs: catalogs.map((c) => c.id), summary: assessment.summary },
        });
      });
      return assessment;
    },
    get,
    list: (model, page) => deps.store.assessments.list(model, page),
    async latest(model) {
      await productOf(deps, model);
      return latestAssessments(deps.store.assessments, model);
    },
    async diff(from, to) {
      const [a, b] = [await get(from), await get(to)];
      if (a.productModel !== b.productModel)
        throw new AssessmentError(
          'ERR_ASSESSMENT_DIFFERENT_PRODUCTS',
          `${from} assesses ${a.productModel}, ${to} assesses ${b.productModel}`,
        );
      return diffAssessments(a, b);
    },
    addManualEvidence: (model, e, by) => addManualEvidence(deps, model, e, by),
    listManualEvidence: (model, page) => listManualEvidence(deps, model, page),
    attachment: (model, id, n) => manualAttachment(deps, model, id, n),
    recordProbe: (model, result, by) => recordProbe(deps, model, result, by),
    latestProbe: (model) => latestProbe(deps, model),
    listProbes: (model, page) => listProbes(deps, model, page),
  };
}
