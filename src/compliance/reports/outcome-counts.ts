/** Counts of provision outcomes, overall and per catalog, worked out from the results themselves. */
import type { Assessment, AssessmentSummary, ProvisionOutcome, ProvisionResult } from '../assessment/result-types.ts';

export type OutcomeCounts = Record<ProvisionOutcome, number> & { total: number };

export function emptyCounts(): OutcomeCounts {
  return { met: 0, 'not-met': 0, 'partially-met': 0, 'not-applicable': 0, 'manual-evidence-needed': 0, total: 0 };
}

export function countOutcomes(results: readonly ProvisionResult[]): OutcomeCounts {
  const counts = emptyCounts();
  for (const r of results) {
    if (r.outcome in counts) counts[r.outcome] += 1;
    counts.total += 1;
  }
  return counts;
}

/** Catalog ids in the assessment's order, then any catalog a result names that the list lacks. */
export function catalogOrder(assessment: Assessment): string[] {
  const ids = assessment.catalogs.map((c) => c.id);
  for (const r of assessment.results) if (!ids.includes(r.catalog)) ids.push(r.catalog);
  return ids;
}

/** True when the stored summary says the same as the results (a report shows a mismatch rather than hide it). */
export function summaryMatches(summary: AssessmentSummary, counts: OutcomeCounts): boolean {
  return (
    summary.met === counts.met &&
    summary.notMet === counts['not-met'] &&
    summary.partiallyMet === counts['partially-met'] &&
    summary.notApplicable === counts['not-applicable'] &&
    summary.manualEvidenceNeeded === counts['manual-evidence-needed']
  );
}
