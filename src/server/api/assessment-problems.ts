/** The assessment service's refusals as problems carrying its code (docs/errors-compliance.md). */

import type { AssessmentService } from '../../compliance/assessment/assessment-service.ts';
import { AssessmentError, type AssessmentErrorCode } from '../../compliance/assessment/errors.ts';
import { ApiProblem } from './problem.ts';
import type { ApiContext } from './route.ts';

const STATUS: Record<AssessmentErrorCode, number> = {
  ERR_ASSESSMENT_UNKNOWN_MARKET: 400,
  ERR_ASSESSMENT_UNKNOWN_CATALOG: 400,
  ERR_ASSESSMENT_UNKNOWN_PRODUCT: 404,
  ERR_ASSESSMENT_NOT_FOUND: 404,
  ERR_ASSESSMENT_EVIDENCE_NOT_FOUND: 404,
  ERR_ASSESSMENT_DIFFERENT_PRODUCTS: 409,
  ERR_ASSESSMENT_MANUAL_EVIDENCE: 400,
  ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE: 413,
  ERR_ASSESSMENT_PROBE: 400,
  ERR_ASSESSMENT_CORRUPT: 500,
  ERR_ASSESSMENT_UNAVAILABLE: 501,
};

export async function assessmentCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AssessmentError)
      throw new ApiProblem(STATUS[e.code], e.code, e.message, e.field === undefined ? {} : { field: e.field });
    throw e;
  }
}

export function assessmentsOf(ctx: ApiContext): AssessmentService {
  if (ctx.assessments === undefined) throw new ApiProblem(501, 'ERR_ASSESSMENT_UNAVAILABLE', 'this server does not assess products');
  return ctx.assessments;
}

/** A page as the API answers it. */
export const pageView = <T, V>(page: { items: T[]; next?: string }, view: (t: T) => V) => ({
  items: page.items.map(view),
  ...(page.next === undefined ? {} : { next: page.next }),
});
