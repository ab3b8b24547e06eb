/**
 * Checks a campaign as an operator gives it, before anything is stored: the target query compiles,
 * the waves are sizes, the window is one, the thresholds are percentages.
 */
import {
  CAMPAIGN_ACTION_TYPES,
  type CampaignActionType,
  type CampaignInput,
  type CampaignRetries,
  type CampaignWaveSize,
  type CampaignWindow,
} from '../../store/campaign-repository.ts';
import { CampaignError } from './errors.ts';
import { DEFAULT_RETRIES, MAX_RETRY_ATTEMPTS, MAX_RETRY_BACKOFF_SECONDS } from './retries.ts';
import { targetPredicate } from './target.ts';
import { planWaves } from './waves.ts';
import { maintenanceWindow } from './window.ts';

/** The most GUIDs an explicit target list holds. */
export const MAX_TARGET_GUIDS = 100_000;
/** The longest campaign name, characters. */
export const MAX_CAMPAIGN_NAME = 256;
/** The longest per-device timeout, seconds (30 days). */
export const MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;

const GUID_HEX = /^[0-9a-f]{32}$/;

export interface CampaignRequest {
  name: string;
  releaseId: string;
  targetQuery?: string;
  targetGuids?: string[];
  waves: CampaignWaveSize[];
  actionType?: CampaignActionType;
  confirm?: boolean;
  window?: CampaignWindow;
  errorThreshold?: number;
  successThreshold?: number;
  timeoutSeconds?: number;
  retries?: Partial<CampaignRetries>;
}

const inputError = (message: string) => new CampaignError('ERR_CAMPAIGN_INPUT', message);

function percent(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0 || v > 100) throw inputError(`${name} is a whole percentage, 0 to 100`);
  return v;
}

function checkTargets(r: CampaignRequest): void {
  if ((r.targetQuery === undefined) === (r.targetGuids === undefined))
    throw inputError('a campaign targets either a query or a list of GUIDs');
  if (r.targetQuery !== undefined) targetPredicate(r.targetQuery);
  if (r.targetGuids !== undefined) {
    if (r.targetGuids.length === 0 || r.targetGuids.length > MAX_TARGET_GUIDS)
      throw inputError(`a GUID list has 1 to ${MAX_TARGET_GUIDS} entries`);
    for (const g of r.targetGuids) if (!GUID_HEX.test(g)) throw inputError(`${JSON.stringify(g)} is not a GUID (32 lowercase hex digits)`);
  }
}

function retriesOf(r: Partial<CampaignRetries> | undefined): CampaignRetries {
  const attempts = r?.attempts ?? DEFAULT_RETRIES.attempts;
  const backoffSeconds = r?.backoffSeconds ?? DEFAULT_RETRIES.backoffSeconds;
  if (!Number.isSafeInteger(attempts) || attempts < 0 || attempts > MAX_RETRY_ATTEMPTS)
    throw inputError(`retries are 0 to ${MAX_RETRY_ATTEMPTS} attempts`);
  if (!Number.isSafeInteger(backoffSeconds) || backoffSeconds < 1 || backoffSeconds > MAX_RETRY_BACKOFF_SECONDS)
    throw inputError(`a retry backoff is 1 to ${MAX_RETRY_BACKOFF_SECONDS} seconds`);
  return { attempts, backoffSeconds };
}

/**
 * The stored form of a request, with defaults: forced, no confirmation, pause above 10 % errors, a
 * one-hour timeout, no retries; without a success threshold the next wave is started by hand.
 */
export function campaignInput(id: string, r: CampaignRequest): CampaignInput {
  const name = r.name.trim();
  if (name.length === 0 || name.length > MAX_CAMPAIGN_NAME) throw inputError(`a campaign name has 1 to ${MAX_CAMPAIGN_NAME} characters`);
  checkTargets(r);
  planWaves(id, [], r.waves);
  if (r.window !== undefined) maintenanceWindow(r.window);
  const actionType = r.actionType ?? 'forced';
  if (!CAMPAIGN_ACTION_TYPES.includes(actionType)) throw inputError(`the action type is one of ${CAMPAIGN_ACTION_TYPES.join(', ')}`);
  const timeoutSeconds = r.timeoutSeconds ?? 3600;
  if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)
    throw inputError(`a per-device timeout is 1 to ${MAX_TIMEOUT_SECONDS} seconds`);
  return {
    id,
    name,
    releaseId: r.releaseId,
    ...(r.targetQuery === undefined ? {} : { targetQuery: r.targetQuery }),
    ...(r.targetGuids === undefined ? {} : { targetGuids: [...new Set(r.targetGuids)] }),
    waves: r.waves,
    actionType,
    confirm: r.confirm ?? false,
    ...(r.window === undefined ? {} : { window: r.window }),
    errorThreshold: percent('the error threshold', r.errorThreshold ?? 10),
    ...(r.successThreshold === undefined ? {} : { successThreshold: percent('the success threshold', r.successThreshold) }),
    timeoutSeconds,
    retries: retriesOf(r.retries),
  };
}
