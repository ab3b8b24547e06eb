/**
 * What a campaign's action type changes in its actions' life: a `download-only` action is over,
 * and succeeded, once the device reports `downloaded`; it takes no `installing` or `succeeded`
 * feedback. `forced` and `soft` differ only on the device (it installs at once, or when it likes).
 */
import { type ActionState, type CampaignAction, type CampaignRecord, IN_FLIGHT_STATES } from '../../store/campaign-repository.ts';
import { CampaignError } from './errors.ts';

const downloadOnly = (c: Pick<CampaignRecord, 'actionType'>): boolean => c.actionType === 'download-only';

/** The states in which the campaign's actions are still in flight (can time out, take feedback). */
export function inFlightStates(c: Pick<CampaignRecord, 'actionType'>): ActionState[] {
  return downloadOnly(c) ? IN_FLIGHT_STATES.filter((s) => s !== 'downloaded') : [...IN_FLIGHT_STATES];
}

/** The states in which the campaign's actions can still be cancelled. */
export const openStates = (c: Pick<CampaignRecord, 'actionType'>): ActionState[] => ['scheduled', ...inFlightStates(c)];

/** Whether the action is over although its state is one of IN_FLIGHT_STATES. */
export const isSettled = (c: Pick<CampaignRecord, 'actionType'>, a: Pick<CampaignAction, 'state'>): boolean =>
  downloadOnly(c) && a.state === 'downloaded';

/** Refuses feedback the campaign's action type does not take. */
export function checkFeedbackForType(c: Pick<CampaignRecord, 'actionType' | 'id'>, status: string): void {
  if (downloadOnly(c) && (status === 'installing' || status === 'succeeded'))
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `campaign ${c.id} is download-only: ${status} is not taken, downloaded is the end`);
}
