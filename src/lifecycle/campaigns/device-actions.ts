/**
 * The device's side of campaigns: which action a device is offered when it polls, and what its
 * feedback does. A device only ever sees and changes its own actions; an action of another device
 * is ERR_CAMPAIGN_ACTION_NOT_FOUND, as an unknown one is.
 *
 * Offering: an action still in flight is offered again (polls are repeatable); otherwise the oldest
 * `scheduled` action of a running campaign whose current wave has reached it, while the campaign's
 * maintenance window is open and its not-before time (a retry's wait) has passed. Anti-rollback:
 * an action whose release's sequence number is not above the one the device last installed is
 * cancelled instead of offered.
 *
 * Feedback: `succeeded` takes effect only with a SUIT report that verifies (report-check.ts), and a
 * report sent with any other status must verify too. A refused report leaves the action as it was
 * and is kept as its `reportError`, logged and audited (`campaign.report.refused`).
 */
import { type ActionState, type CampaignAction, type CampaignRecord, IN_FLIGHT_STATES } from '../../store/campaign-repository.ts';
import type { ReleaseRecord } from '../../store/release-repository.ts';
import { checkFeedbackForType, inFlightStates, isSettled } from './action-type.ts';
import { type CampaignContext, nowOf } from './context.ts';
import { deviceReportKey } from './device-key.ts';
import { CampaignError } from './errors.ts';
import { type CheckedReport, checkReport, MAX_REPORT_BYTES } from './report-check.ts';
import { retryFailed } from './retries.ts';
import { maintenanceWindow } from './window.ts';

export { MAX_REPORT_BYTES } from './report-check.ts';
/** The longest failure reason kept, characters. */
export const MAX_FEEDBACK_REASON = 1024;

const IN_FLIGHT: readonly ActionState[] = IN_FLIGHT_STATES;

export interface OfferedAction {
  action: CampaignAction;
  campaign: CampaignRecord;
  release: ReleaseRecord;
}

export type FeedbackStatus = 'downloading' | 'downloaded' | 'installing' | 'succeeded' | 'failed';
export const FEEDBACK_STATUSES: readonly FeedbackStatus[] = ['downloading', 'downloaded', 'installing', 'succeeded', 'failed'];

export interface Feedback {
  status: FeedbackStatus;
  reason?: string;
  /** A SUIT report as the device sent it: a COSE_Sign1 by the device key (report-check.ts). */
  report?: Uint8Array;
  /** The sequence number the device says it runs: logged only, the manifest's is recorded. */
  sequenceNumber?: number;
}

async function withRelease(ctx: CampaignContext, action: CampaignAction): Promise<OfferedAction | undefined> {
  const campaign = await ctx.store.campaigns.get(action.campaignId);
  if (campaign === undefined) return undefined;
  const release = await ctx.store.releases.get(campaign.releaseId);
  return release === undefined ? undefined : { action, campaign, release };
}

function offerable(c: CampaignRecord, a: CampaignAction, now: Date): boolean {
  if (c.state !== 'running' || a.wave > c.currentWave) return false;
  if (a.notBefore !== undefined && a.notBefore.getTime() > now.getTime()) return false;
  return c.window === undefined || maintenanceWindow(c.window)(now);
}

async function offerOne(ctx: CampaignContext, a: CampaignAction, now: Date): Promise<OfferedAction | undefined> {
  const o = await withRelease(ctx, a);
  if (o === undefined || !offerable(o.campaign, a, now)) return undefined;
  const installed = await ctx.store.campaigns.installed(a.guid);
  if (installed !== undefined && installed.sequenceNumber >= o.release.sequenceNumber) {
    const reason = `anti-rollback: the device has sequence number ${installed.sequenceNumber}, the release ${o.release.sequenceNumber}`;
    await ctx.store.campaigns.updateAction(a.id, ['scheduled'], { state: 'cancelled', reason });
    ctx.log?.('info', 'campaign action cancelled', { campaign: a.campaignId, action: a.id, device: a.guid, reason });
    return undefined;
  }
  const offered = await ctx.store.campaigns.updateAction(a.id, ['scheduled'], { state: 'offered', offeredAt: now });
  if (offered === undefined) return undefined;
  ctx.log?.('info', 'campaign action offered', { campaign: a.campaignId, action: a.id, device: a.guid });
  return { ...o, action: offered };
}

/** The action to give the device (GUID hex) on a poll, or undefined. */
export async function pollAction(ctx: CampaignContext, guid: string): Promise<OfferedAction | undefined> {
  const now = nowOf(ctx);
  const mark = await ctx.idle?.mark();
  if (mark !== undefined && ctx.idle?.known(guid, mark) === true) return undefined;
  // One indexed query per poll: the device's open actions, those in flight first.
  const open = await ctx.store.campaigns.actionsOfDevice(guid, [...IN_FLIGHT, 'scheduled']);
  if (open.length === 0 && mark !== undefined) ctx.idle?.remember(guid, mark);
  for (const a of open.filter((x) => x.state !== 'scheduled')) {
    const o = await withRelease(ctx, a);
    if (o !== undefined && o.campaign.state === 'running' && !isSettled(o.campaign, a)) return o;
  }
  for (const a of open.filter((x) => x.state === 'scheduled')) {
    const o = await offerOne(ctx, a, now);
    if (o !== undefined) return o;
  }
  return undefined;
}

/** The device's own action with its campaign and release; ERR_CAMPAIGN_ACTION_NOT_FOUND otherwise. */
export async function ownAction(ctx: CampaignContext, guid: string, actionId: string): Promise<OfferedAction> {
  const a = await ctx.store.campaigns.getAction(actionId);
  const o = a === undefined || a.guid !== guid ? undefined : await withRelease(ctx, a);
  if (o === undefined) throw new CampaignError('ERR_CAMPAIGN_ACTION_NOT_FOUND', `no action ${actionId} for this device`);
  return o;
}

function checkFeedback(f: Feedback): void {
  if (!FEEDBACK_STATUSES.includes(f.status))
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `a status is one of ${FEEDBACK_STATUSES.join(', ')}`);
  if (f.reason !== undefined && f.reason.length > MAX_FEEDBACK_REASON)
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `a reason is at most ${MAX_FEEDBACK_REASON} characters`);
  if (f.sequenceNumber !== undefined && (!Number.isSafeInteger(f.sequenceNumber) || f.sequenceNumber < 0))
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', 'a sequence number is a safe unsigned integer');
  if (f.report !== undefined && f.report.length > MAX_REPORT_BYTES)
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `a report is at most ${MAX_REPORT_BYTES} bytes`);
}

/** Keeps why a report was refused on the action, and logs and audits it; the action keeps its state. */
async function reportRefused(ctx: CampaignContext, o: OfferedAction, e: CampaignError): Promise<never> {
  const { action } = o;
  await ctx.store.campaigns.setReportError(action.id, e.message);
  const details = { campaign: o.campaign.id, action: action.id, device: action.guid, reason: e.message };
  ctx.log?.('warn', 'campaign report refused', details);
  await ctx.store.audit.append({ actor: `device:${action.guid}`, action: 'campaign.report.refused', subject: action.guid, details });
  throw e;
}

/** The feedback's report, verified; undefined when it has none and needs none. */
async function verifiedReport(ctx: CampaignContext, o: OfferedAction, f: Feedback): Promise<CheckedReport | undefined> {
  try {
    if (f.report === undefined) {
      if (f.status !== 'succeeded') return undefined;
      throw new CampaignError('ERR_CAMPAIGN_REPORT', 'a succeeded update needs the signed SUIT report that proves it');
    }
    return checkReport(f.report, await deviceReportKey(ctx.store, o.action.guid), o.release, f.status);
  } catch (e) {
    if (e instanceof CampaignError && e.code === 'ERR_CAMPAIGN_REPORT') return reportRefused(ctx, o, e);
    throw e;
  }
}

/** A failure's reason: the report's SUIT_Report_Reasons name, then the device's text. */
function failureReason(f: Feedback, checked: CheckedReport | undefined): string | undefined {
  if (f.status !== 'failed') return undefined;
  const text = f.reason ?? 'the device reported a failure';
  return (checked?.reasonName === undefined ? text : `${checked.reasonName}: ${text}`).slice(0, MAX_FEEDBACK_REASON);
}

/**
 * Records the device's feedback on its own action. Only an action in flight takes feedback
 * (ERR_CAMPAIGN_FEEDBACK otherwise, e.g. after a timeout or cancel). A report is verified first
 * (ERR_CAMPAIGN_REPORT, nothing changed); `succeeded` records on the device what the verified
 * report proves: the release, the manifest's sequence number and components. A failure with
 * attempts left is scheduled again in the same transaction (retries.ts).
 */
export async function actionFeedback(ctx: CampaignContext, guid: string, actionId: string, f: Feedback): Promise<CampaignAction> {
  checkFeedback(f);
  const o = await ownAction(ctx, guid, actionId);
  checkFeedbackForType(o.campaign, f.status);
  // A campaign that requires confirmation takes feedback only once the device confirmed.
  const inFlight = inFlightStates(o.campaign);
  const from: readonly ActionState[] = o.campaign.confirm ? inFlight.filter((s) => s !== 'offered') : inFlight;
  const noFeedback = () =>
    new CampaignError(
      'ERR_CAMPAIGN_FEEDBACK',
      `action ${actionId} is ${o.action.state} and takes no feedback${o.action.state === 'offered' ? ' before it is confirmed' : ''}`,
    );
  // Checked before the report too, so that a finished action is not marked with a report error.
  if (!from.includes(o.action.state)) throw noFeedback();
  const checked = await verifiedReport(ctx, o, f);
  const reason = failureReason(f, checked);
  return ctx.store.transaction(async (r) => {
    const after = await r.campaigns.updateAction(actionId, from, {
      state: f.status,
      ...(reason === undefined ? {} : { reason }),
      ...(f.report === undefined ? {} : { report: f.report, reportVerified: checked !== undefined }),
    });
    if (after === undefined) throw noFeedback();
    if (f.status === 'succeeded' && checked !== undefined)
      await r.campaigns.setInstalled({
        guid,
        releaseId: o.release.id,
        version: o.release.version,
        sequenceNumber: checked.sequenceNumber,
        components: checked.components,
        reportAction: actionId,
      });
    ctx.log?.('info', 'campaign action feedback', {
      campaign: o.campaign.id,
      action: actionId,
      device: guid,
      from: o.action.state,
      to: f.status,
      ...(checked === undefined ? {} : { reportVerified: true }),
      ...(f.sequenceNumber === undefined ? {} : { deviceSequenceNumber: f.sequenceNumber }),
    });
    return (await retryFailed(r.campaigns, o.campaign, after, nowOf(ctx))) ?? after;
  });
}

/**
 * The device (or its user) accepts or declines its offered action: accepted, `offered` becomes
 * `confirmed` and feedback may follow; declined, the action is cancelled with the reason (it
 * counts for neither threshold). ERR_CAMPAIGN_FEEDBACK when the action is not waiting for it.
 */
export async function confirmAction(
  ctx: CampaignContext,
  guid: string,
  actionId: string,
  answer: { accept: boolean; reason?: string },
): Promise<CampaignAction> {
  if (answer.reason !== undefined && answer.reason.length > MAX_FEEDBACK_REASON)
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `a reason is at most ${MAX_FEEDBACK_REASON} characters`);
  const o = await ownAction(ctx, guid, actionId);
  const after = answer.accept
    ? await ctx.store.campaigns.updateAction(actionId, ['offered'], { state: 'confirmed' })
    : await ctx.store.campaigns.updateAction(actionId, ['offered', 'confirmed'], {
        state: 'cancelled',
        reason: `declined by the device${answer.reason === undefined ? '' : `: ${answer.reason}`}`,
      });
  if (after === undefined)
    throw new CampaignError('ERR_CAMPAIGN_FEEDBACK', `action ${actionId} is ${o.action.state} and awaits no confirmation`);
  ctx.log?.('info', 'campaign action confirmation', { campaign: o.campaign.id, action: actionId, device: guid, to: after.state });
  return after;
}
