/** Which way a provision moved between two assessments, for readers who scan a diff for regressions. */
import type { ProvisionOutcome } from '../assessment/result-types.ts';

export type ChangeDirection = 'improved' | 'regressed' | 'added' | 'removed' | 'changed';

/**
 * Progress towards conformity: not met < partially met < met. Not applicable and manual evidence
 * needed are not on that scale (a condition changed, or a statement is due), so a move to or from
 * them is "changed" rather than better or worse.
 */
const RANK: Partial<Record<ProvisionOutcome, number>> = { 'not-met': 0, 'partially-met': 1, met: 2 };

export function changeDirection(before: ProvisionOutcome | undefined, after: ProvisionOutcome | undefined): ChangeDirection {
  if (before === undefined) return 'added';
  if (after === undefined) return 'removed';
  const from = RANK[before];
  const to = RANK[after];
  if (from === undefined || to === undefined || from === to) return 'changed';
  return to > from ? 'improved' : 'regressed';
}
