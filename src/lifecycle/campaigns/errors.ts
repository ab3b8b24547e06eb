import { IotopiaError } from '../../errors.ts';

/** Why a campaign operation was refused; each code is documented in docs/errors-lifecycle.md. */
export type CampaignErrorCode =
  | 'ERR_CAMPAIGN_INPUT'
  | 'ERR_CAMPAIGN_DUPLICATE'
  | 'ERR_CAMPAIGN_NOT_FOUND'
  | 'ERR_CAMPAIGN_RELEASE'
  | 'ERR_CAMPAIGN_STATE'
  | 'ERR_CAMPAIGN_NO_TARGETS'
  | 'ERR_CAMPAIGN_ACTION_NOT_FOUND'
  | 'ERR_CAMPAIGN_FEEDBACK'
  | 'ERR_CAMPAIGN_REPORT';

export class CampaignError extends IotopiaError {
  declare readonly code: CampaignErrorCode;
  constructor(code: CampaignErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
