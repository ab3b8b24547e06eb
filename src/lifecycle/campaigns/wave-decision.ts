/**
 * What a running campaign's current wave calls for, from its action counts alone. Cancelled actions
 * (the device was already at or above the release, or the operator cancelled) count for neither side.
 * A failure with attempts left is `scheduled` again (retries.ts), so it counts for neither side
 * either; in a download-only campaign `downloaded` is a success.
 */
import type { ActionState } from '../../store/campaign-repository.ts';

export type WaveDecision = { kind: 'wait' } | { kind: 'pause'; reason: string } | { kind: 'next-wave' } | { kind: 'finish' };

export interface WaveThresholds {
  /** Percent failed or timed out above which the campaign pauses. */
  errorThreshold: number;
  /** Percent succeeded at which the next wave starts; undefined: by hand. */
  successThreshold?: number;
  /** Failures an operator resumed past. */
  acknowledgedFailures?: number;
  /** `downloaded` is the end, and a success. */
  downloadOnly?: boolean;
}

const DONE: readonly ActionState[] = ['succeeded', 'failed', 'timed-out', 'cancelled'];

export function waveDecision(counts: Partial<Record<ActionState, number>>, t: WaveThresholds, last: boolean): WaveDecision {
  const n = (s: ActionState) => counts[s] ?? 0;
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const counted = total - n('cancelled');
  const failed = n('failed') + n('timed-out');
  const succeeded = n('succeeded') + (t.downloadOnly ? n('downloaded') : 0);
  const done = DONE.reduce((a, s) => a + n(s), 0) + (t.downloadOnly ? n('downloaded') : 0);
  const fresh = failed - (t.acknowledgedFailures ?? 0);
  if (counted > 0 && fresh > 0 && (fresh * 100) / counted > t.errorThreshold)
    return { kind: 'pause', reason: `${failed} of ${counted} devices of the wave failed or timed out, over ${t.errorThreshold} %` };
  if (last) return done === total ? { kind: 'finish' } : { kind: 'wait' };
  if (t.successThreshold === undefined) return { kind: 'wait' };
  if (counted === 0 || (succeeded * 100) / counted >= t.successThreshold) return { kind: 'next-wave' };
  return { kind: 'wait' };
}
