/**
 * Retries: a campaign may offer a failed or timed-out action again, up to `retries.attempts` more
 * times, each after a wait that starts at `retries.backoffSeconds` and doubles per attempt, capped
 * at an hour. The action goes back to `scheduled` with a not-before time; only a failure with no
 * attempts left stays failed and counts toward the error threshold.
 */
import type { CampaignAction, CampaignRecord, CampaignRepository, CampaignRetries } from '../../store/campaign-repository.ts';

/** The most retries a campaign takes. */
export const MAX_RETRY_ATTEMPTS = 10;
/** The longest wait before a retry, seconds: the doubling stops here. */
export const MAX_RETRY_BACKOFF_SECONDS = 3600;
/** No retries; a one-minute first wait when retries are asked for without one. */
export const DEFAULT_RETRIES: CampaignRetries = { attempts: 0, backoffSeconds: 60 };

/** Seconds to wait before offering again an action that failed on its `attempts`-th offer (1 = the first). */
export function retryDelaySeconds(r: CampaignRetries, attempts: number): number {
  const doublings = Math.min(Math.max(0, attempts - 1), 32);
  return Math.min(r.backoffSeconds * 2 ** doublings, MAX_RETRY_BACKOFF_SECONDS);
}

/** Whether an action offered `attempts` times may be offered again. */
export const hasAttemptsLeft = (r: CampaignRetries, attempts: number): boolean => attempts <= r.attempts;

/**
 * Sends a failed or timed-out action with attempts left back to `scheduled`, not offered before its
 * wait is over. Conditional on the state and attempt count it was read with, so running it twice,
 * or on two replicas at once, reschedules it once. The rescheduled action, or undefined.
 */
export async function retryFailed(
  campaigns: CampaignRepository,
  c: CampaignRecord,
  a: CampaignAction,
  now: Date,
): Promise<CampaignAction | undefined> {
  if ((a.state !== 'failed' && a.state !== 'timed-out') || !hasAttemptsLeft(c.retries, a.attempts)) return undefined;
  const notBefore = new Date(now.getTime() + retryDelaySeconds(c.retries, a.attempts) * 1000);
  const why = a.reason === undefined ? a.state : `${a.state}: ${a.reason}`;
  return campaigns.updateAction(
    a.id,
    [a.state],
    { state: 'scheduled', notBefore, reason: `attempt ${a.attempts} ${why}; offered again from ${notBefore.toISOString()}` },
    a.attempts,
  );
}
