/** The summary counts and the gaps of an assessment, ranked most important first. */
import type { ProvisionStatus } from '../catalogs/catalog-types.ts';
import type { Assessment, AssessmentSummary, ProvisionOutcome, ProvisionResult } from './result-types.ts';

/** EN 303 645 Table B.1: M and M C are mandatory (M C once its condition holds); R and R C recommended. */
export const isMandatory = (s: ProvisionStatus): boolean => s === 'M' || s === 'M C';

const GAP_RANK: Partial<Record<ProvisionOutcome, number>> = { 'not-met': 0, 'partially-met': 1, 'manual-evidence-needed': 2 };

export function summarise(results: readonly ProvisionResult[]): AssessmentSummary {
  const count = (o: ProvisionOutcome) => results.filter((r) => r.outcome === o).length;
  return {
    met: count('met'),
    notMet: count('not-met'),
    partiallyMet: count('partially-met'),
    notApplicable: count('not-applicable'),
    manualEvidenceNeeded: count('manual-evidence-needed'),
  };
}

/** Mandatory before recommended, then not met before partially met before manual evidence needed, then catalog order. */
export function rankGaps(results: readonly ProvisionResult[]): Assessment['gaps'] {
  return results
    .map((r, order) => ({ r, order, rank: GAP_RANK[r.outcome] }))
    .filter((x): x is { r: ProvisionResult; order: number; rank: number } => x.rank !== undefined)
    .sort((a, b) => Number(isMandatory(b.r.status)) - Number(isMandatory(a.r.status)) || a.rank - b.rank || a.order - b.order)
    .map(({ r }) => ({ catalog: r.catalog, provision: r.provision, outcome: r.outcome, remedy: r.remedy ?? '' }));
}
