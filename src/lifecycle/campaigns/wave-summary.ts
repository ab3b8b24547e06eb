/**
 * A wave's progress in the three words an operator reads: how many of its devices succeeded,
 * failed (failed or timed out, with no attempt left), and are still to come (scheduled, also again
 * after a failure with attempts left, or in flight); cancelled actions count for none of them. In a
 * download-only campaign `downloaded` is the end and a success, as the wave decision counts it.
 */
import type { ActionState, CampaignActionType, WaveCounts } from '../../store/campaign-repository.ts';

export interface WaveSummary {
  succeeded: number;
  failed: number;
  pending: number;
  cancelled: number;
}

export function waveSummary(counts: Partial<Record<ActionState, number>>, actionType: CampaignActionType): WaveSummary {
  const n = (s: ActionState) => counts[s] ?? 0;
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const succeeded = n('succeeded') + (actionType === 'download-only' ? n('downloaded') : 0);
  const failed = n('failed') + n('timed-out');
  const cancelled = n('cancelled');
  return { succeeded, failed, cancelled, pending: total - succeeded - failed - cancelled };
}

/** Every wave's counts with its summary. */
export const summarizeWaves = (waves: readonly WaveCounts[], actionType: CampaignActionType) =>
  waves.map((w) => ({ wave: w.wave, counts: w.counts, summary: waveSummary(w.counts, actionType) }));
