/**
 * The operator's view of one campaign's per-device actions: a page of them (by device GUID,
 * narrowed by state, wave or device), and the SUIT report a device sent for one of them. The
 * campaign must exist; an action is only found through its own campaign.
 */
import type { ActionListRequest, CampaignAction } from '../../store/campaign-repository.ts';
import type { Page } from '../../store/page.ts';
import type { CampaignContext } from './context.ts';
import { CampaignError } from './errors.ts';
import { mustGet } from './service.ts';

/** A page of the campaign's actions; ERR_CAMPAIGN_NOT_FOUND for an unknown campaign. */
export async function listCampaignActions(
  ctx: CampaignContext,
  campaignId: string,
  request: ActionListRequest = {},
): Promise<Page<CampaignAction>> {
  await mustGet(ctx, campaignId);
  return ctx.store.campaigns.listActions(campaignId, request);
}

/** The SUIT report kept with one of the campaign's actions; ERR_CAMPAIGN_ACTION_NOT_FOUND when there is none. */
export async function campaignActionReport(ctx: CampaignContext, campaignId: string, actionId: string): Promise<Uint8Array> {
  await mustGet(ctx, campaignId);
  const action = await ctx.store.campaigns.getAction(actionId);
  if (action === undefined || action.campaignId !== campaignId)
    throw new CampaignError('ERR_CAMPAIGN_ACTION_NOT_FOUND', `campaign ${campaignId} has no action ${actionId}`);
  const report = await ctx.store.campaigns.report(actionId);
  if (report === undefined) throw new CampaignError('ERR_CAMPAIGN_ACTION_NOT_FOUND', `action ${actionId} has no report`);
  return report;
}
