/**
 * The tick's timeouts for one campaign, in one transaction of a few bulk updates: the actions in
 * flight offered at least the per-device timeout ago become `timed-out`, or, with attempts left,
 * `scheduled` again with their retry's not-before time (one update per attempt count, since the
 * wait doubles per attempt; retries.ts). Each update is conditional on the state, the offer time
 * and the attempt count, so a second run, or another replica's, changes nothing more.
 */
import type { CampaignRecord } from '../../store/campaign-repository.ts';
import type { Repositories } from '../../store/store.ts';
import { inFlightStates } from './action-type.ts';
import { retryDelaySeconds } from './retries.ts';

export interface TimeoutCounts {
  /** Scheduled again for a retry. */
  retried: number;
  /** Timed out for good. */
  timedOut: number;
}

export async function timeOutOverdue(r: Repositories, c: CampaignRecord, now: Date): Promise<TimeoutCounts> {
  const overdue = { states: inFlightStates(c), offeredBefore: new Date(now.getTime() - c.timeoutSeconds * 1000) };
  const reason = `no result ${c.timeoutSeconds} s after the offer`;
  let retried = 0;
  for (let k = 0; k <= c.retries.attempts; k++) {
    const notBefore = new Date(now.getTime() + retryDelaySeconds(c.retries, k) * 1000);
    retried += await r.campaigns.updateActions(
      c.id,
      { ...overdue, attempts: k },
      { state: 'scheduled', notBefore, reason: `attempt ${k} timed-out: ${reason}; offered again from ${notBefore.toISOString()}` },
    );
  }
  const timedOut = await r.campaigns.updateActions(
    c.id,
    { ...overdue, minAttempts: c.retries.attempts + 1 },
    { state: 'timed-out', reason },
  );
  return { retried, timedOut };
}
