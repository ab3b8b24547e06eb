/**
 * A rollback campaign: brings the devices a campaign updated (its succeeded actions) back to the
 * release of the model published before the campaign's. SUIT anti-rollback lets a device take only
 * a higher sequence number (draft-ietf-suit-manifest §8.4.2), so a rollback is a new release: the
 * previous release's components (the same payloads) in an envelope built and signed here by the
 * update authority, with a sequence number above every release of the model and the version
 * `<previous version>+rollback.<sequence number>`. The new campaign targets those devices by GUID,
 * in one wave unless waves are given, with the campaign's other settings; it stays `draft` unless
 * started now.
 */
import type { CampaignRecord, CampaignWaveSize } from '../../store/campaign-repository.ts';
import type { ReleaseInfo, ReleaseRecord } from '../../store/release-repository.ts';
import { ReleaseError } from '../releases/errors.ts';
import { createRelease, type ReleaseDeps } from '../releases/releases.ts';
import { MAX_CAMPAIGN_NAME } from './campaign-input.ts';
import type { CampaignContext } from './context.ts';
import { CampaignError } from './errors.ts';
import { campaignService, mustGet } from './service.ts';

export interface RollbackRequest {
  name?: string;
  waves?: CampaignWaveSize[];
  /** Start the rollback campaign at once. */
  start?: boolean;
}

export interface Rollback {
  campaign: CampaignRecord;
  release: ReleaseInfo;
}

/** The published release of the model with the highest sequence number below `current`'s. */
async function previousRelease(ctx: CampaignContext, current: ReleaseRecord): Promise<ReleaseInfo> {
  let best: ReleaseInfo | undefined;
  let after: string | undefined;
  do {
    const page = await ctx.store.releases.list({
      model: current.model,
      state: 'published',
      limit: 100,
      ...(after === undefined ? {} : { after }),
    });
    for (const r of page.items)
      if (r.sequenceNumber < current.sequenceNumber && (best === undefined || r.sequenceNumber > best.sequenceNumber)) best = r;
    after = page.next;
  } while (after !== undefined);
  if (best === undefined)
    throw new CampaignError('ERR_CAMPAIGN_RELEASE', `model ${current.model} has no published release before ${current.version}`);
  return best;
}

/** Builds and signs the rollback release; a refusal of the release service is ERR_CAMPAIGN_RELEASE. */
async function rollbackRelease(ctx: CampaignContext, deps: ReleaseDeps, previous: ReleaseInfo, actor: string): Promise<ReleaseInfo> {
  const sequenceNumber = ((await ctx.store.releases.latestSequence(previous.model)) ?? previous.sequenceNumber) + 1;
  try {
    return await createRelease(
      deps,
      {
        model: previous.model,
        version: `${previous.version}+rollback.${sequenceNumber}`,
        sequenceNumber,
        components: previous.components,
        ...(previous.sbomRef === undefined ? {} : { sbomRef: previous.sbomRef }),
        ...(previous.vendorDomain === undefined ? {} : { vendorDomain: previous.vendorDomain }),
      },
      actor,
    );
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    throw new CampaignError('ERR_CAMPAIGN_RELEASE', `the rollback release of ${previous.version}: ${e.message} [${e.code}]`, { cause: e });
  }
}

const nameOf = (c: CampaignRecord, given?: string): string => given ?? `rollback of ${c.name}`.slice(0, MAX_CAMPAIGN_NAME);

/** Creates (and, when asked, starts) the rollback campaign of campaign `id`. */
export async function rollbackCampaign(
  ctx: CampaignContext,
  deps: ReleaseDeps,
  id: string,
  request: RollbackRequest,
  actor: string,
): Promise<Rollback> {
  const c = await mustGet(ctx, id);
  const current = await ctx.store.releases.get(c.releaseId);
  if (current === undefined) throw new CampaignError('ERR_CAMPAIGN_RELEASE', `no release ${c.releaseId}`);
  const previous = await previousRelease(ctx, current);
  const guids = (await ctx.store.campaigns.actions(id, { states: ['succeeded'] })).map((a) => a.guid);
  if (guids.length === 0) throw new CampaignError('ERR_CAMPAIGN_NO_TARGETS', `campaign ${id} updated no device`);
  const release = await rollbackRelease(ctx, deps, previous, actor);
  const svc = campaignService(ctx);
  const made = await svc.create(
    {
      name: nameOf(c, request.name),
      releaseId: release.id,
      targetGuids: guids,
      waves: request.waves ?? [{ percent: 100 }],
      actionType: c.actionType,
      confirm: c.confirm,
      ...(c.window === undefined ? {} : { window: c.window }),
      errorThreshold: c.errorThreshold,
      ...(c.successThreshold === undefined ? {} : { successThreshold: c.successThreshold }),
      timeoutSeconds: c.timeoutSeconds,
      retries: c.retries,
    },
    actor,
  );
  await ctx.store.audit.append({
    actor,
    action: 'campaign.rollback',
    subject: id,
    details: { campaign: made.id, release: release.id, previousRelease: previous.id, sequenceNumber: release.sequenceNumber },
  });
  return { campaign: request.start === true ? await svc.start(made.id, actor) : made, release };
}
