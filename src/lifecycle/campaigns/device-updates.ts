/**
 * A device's update history: its actions across every campaign, newest first, each with its
 * campaign's name and the release it offered (version and SUIT sequence number) and whether the
 * SUIT report kept with it verified. Reads only.
 */
import { ACTION_STATES, type CampaignAction, type CampaignRepository } from '../../store/campaign-repository.ts';
import type { ReleaseRepository } from '../../store/release-repository.ts';

export interface DeviceUpdate {
  action: CampaignAction;
  campaignName?: string;
  releaseId?: string;
  version?: string;
  sequenceNumber?: number;
}

export interface DeviceUpdatesStore {
  campaigns: Pick<CampaignRepository, 'actionsOfDevice' | 'get'>;
  releases: Pick<ReleaseRepository, 'get'>;
}

export interface DeviceUpdatesPage {
  items: DeviceUpdate[];
  /** The offset of the next page, when more follow. */
  next?: number;
}

/** The most actions of one device read for its history (one per campaign that targeted it). */
export const MAX_DEVICE_ACTIONS = 10_000;

async function describeAction(store: DeviceUpdatesStore, action: CampaignAction): Promise<DeviceUpdate> {
  const campaign = await store.campaigns.get(action.campaignId);
  if (campaign === undefined) return { action };
  const release = await store.releases.get(campaign.releaseId);
  return {
    action,
    campaignName: campaign.name,
    releaseId: campaign.releaseId,
    ...(release === undefined ? {} : { version: release.version, sequenceNumber: release.sequenceNumber }),
  };
}

/** A page of the device's actions (GUID in lowercase hex), newest change first, from `offset`. */
export async function deviceUpdates(
  store: DeviceUpdatesStore,
  guid: string,
  page: { offset: number; limit: number },
): Promise<DeviceUpdatesPage> {
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new TypeError('offset is a non-negative integer');
  if (!Number.isInteger(page.limit) || page.limit < 1) throw new TypeError('limit is a positive integer');
  const all = (await store.campaigns.actionsOfDevice(guid, ACTION_STATES)).slice(-MAX_DEVICE_ACTIONS).reverse();
  const slice = all.slice(page.offset, page.offset + page.limit);
  const items = [];
  for (const action of slice) items.push(await describeAction(store, action));
  const end = page.offset + slice.length;
  return { items, ...(end < all.length ? { next: end } : {}) };
}
