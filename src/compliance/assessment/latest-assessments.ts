/**
 * The newest assessment of a product for each target it was assessed against: each market, and
 * each catalog assessed on its own. A product is assessed for a few targets many times over, so
 * the walk reads its assessments newest first, page by page, and stops at a bound.
 */
import type { AssessmentInfo, AssessmentRepository } from '../../store/assessment-repository.ts';

/** How many of a product's assessments the walk reads at most. */
export const LATEST_WALK_LIMIT = 10_000;
const PAGE = 500;

/** The target an assessment was made for: `market:<id>`, or `catalog:<ids>` when assessed against catalogs directly. */
export const targetOf = (a: AssessmentInfo): string => (a.market === undefined ? `catalog:${a.catalogs.join('+')}` : `market:${a.market}`);

/** The newest assessment per target, newest first; `complete` is false when the walk stopped at its bound. */
export async function latestAssessments(
  repo: Pick<AssessmentRepository, 'list'>,
  model: string,
  limit = LATEST_WALK_LIMIT,
): Promise<{ items: AssessmentInfo[]; complete: boolean }> {
  const seen = new Map<string, AssessmentInfo>();
  let read = 0;
  let after: string | undefined;
  do {
    const page = await repo.list(model, { limit: Math.min(PAGE, limit - read), ...(after === undefined ? {} : { after }) });
    for (const a of page.items) if (!seen.has(targetOf(a))) seen.set(targetOf(a), a);
    read += page.items.length;
    after = page.next;
  } while (after !== undefined && read < limit);
  return { items: [...seen.values()], complete: after === undefined };
}
