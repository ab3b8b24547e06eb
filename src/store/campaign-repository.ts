import type { Page, PageRequest } from './page.ts';

/** A campaign's state: only `running` campaigns offer actions and tick. */
export type CampaignState = 'draft' | 'running' | 'paused' | 'cancelled' | 'finished';
export const CAMPAIGN_STATES: readonly CampaignState[] = ['draft', 'running', 'paused', 'cancelled', 'finished'];

/** What a device does with the offered update: install now, install when it likes, or only download. */
export type CampaignActionType = 'forced' | 'soft' | 'download-only';
export const CAMPAIGN_ACTION_TYPES: readonly CampaignActionType[] = ['forced', 'soft', 'download-only'];

/** One device's action in a campaign. */
export type ActionState =
  | 'scheduled'
  | 'offered'
  | 'confirmed'
  | 'downloading'
  | 'downloaded'
  | 'installing'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed-out';
export const ACTION_STATES: readonly ActionState[] = [
  'scheduled',
  'offered',
  'confirmed',
  'downloading',
  'downloaded',
  'installing',
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
];

/** The states of an action offered to its device and not over yet. */
export const IN_FLIGHT_STATES = [
  'offered',
  'confirmed',
  'downloading',
  'downloaded',
  'installing',
] as const satisfies readonly ActionState[];

/** A wave's size, as planWaves takes it. */
export type CampaignWaveSize = { count: number } | { percent: number };

/** A maintenance window as src/lifecycle/campaigns/window.ts reads it. */
export interface CampaignWindow {
  cron: string;
  minutes: number;
  timeZone?: string;
}

/** How a failed or timed-out action is offered again: up to `attempts` more times, after `backoffSeconds` doubled per attempt. */
export interface CampaignRetries {
  attempts: number;
  backoffSeconds: number;
}

export interface CampaignInput {
  id: string;
  name: string;
  releaseId: string;
  /** An RSQL target query, or `targetGuids` (hex), exactly one. */
  targetQuery?: string;
  targetGuids?: string[];
  waves: CampaignWaveSize[];
  actionType: CampaignActionType;
  confirm: boolean;
  window?: CampaignWindow;
  /** Percent of a wave's devices failed (or timed out) above which the campaign pauses. */
  errorThreshold: number;
  /** Percent of a wave's devices succeeded at which the next wave starts; undefined: started by hand. */
  successThreshold?: number;
  timeoutSeconds: number;
  retries: CampaignRetries;
}

export interface CampaignRecord extends CampaignInput {
  state: CampaignState;
  /** The wave devices are offered from, from 0. */
  currentWave: number;
  /** Failures of the current wave an operator resumed past; the error threshold counts the others. */
  acknowledgedFailures: number;
  reason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignAction {
  id: string;
  campaignId: string;
  /** The device's GUID, hex. */
  guid: string;
  wave: number;
  state: ActionState;
  /** How often the action was offered. */
  attempts: number;
  reason?: string;
  offeredAt?: Date;
  /** A rescheduled action is not offered before this time. */
  notBefore?: Date;
  updatedAt: Date;
  /** True once the SUIT report kept with the action verified (device key, offered manifest). */
  reportVerified: boolean;
  /** Why the last report the device sent for this action was refused; the action kept its state. */
  reportError?: string;
}

/** How many actions of one wave are in each state. */
export interface WaveCounts {
  wave: number;
  counts: Partial<Record<ActionState, number>>;
}

export interface CampaignChange {
  state?: CampaignState;
  releaseId?: string;
  currentWave?: number;
  acknowledgedFailures?: number;
  reason?: string | null;
}

export interface ActionChange {
  state: ActionState;
  reason?: string | null;
  report?: Uint8Array;
  /** With `report`: it verified. Any change with a report clears `reportError`. */
  reportVerified?: boolean;
  /** Sets offered_at and counts one more attempt. */
  offeredAt?: Date;
  /** Sets or clears the time before which a scheduled action is not offered. */
  notBefore?: Date | null;
  /** Sets the attempt count (0 when a campaign starts over with a fixed release). */
  attempts?: number;
}

/** Which of a campaign's actions a bulk change applies to. */
export interface ActionFilter {
  states: readonly ActionState[];
  /** Only actions of this wave and the earlier ones. */
  maxWave?: number;
  /** Only actions offered at or before this time. */
  offeredBefore?: Date;
  /** Only actions offered exactly this many times. */
  attempts?: number;
  /** Only actions offered at least this many times. */
  minAttempts?: number;
}

/** A component a verified SUIT report proved installed: its SUIT component id and image digest. */
export interface InstalledComponent {
  /** The SUIT component identifier, each segment in hex. */
  componentId: string[];
  /** The component's name in its release, when it has one. */
  name?: string;
  /** The image digest the manifest sets: its algorithm name and the digest in hex. */
  digest: { algorithm: string; hex: string };
}

export interface InstalledRecord {
  guid: string;
  releaseId?: string;
  version?: string;
  sequenceNumber: number;
  /** From a verified report: what was installed, and the action whose report proved it. */
  components?: InstalledComponent[];
  reportAction?: string;
  updatedAt: Date;
}

export interface CampaignListRequest extends PageRequest {
  state?: CampaignState;
}

/** A page of one campaign's actions, by GUID; each filter given narrows it. */
export interface ActionListRequest extends PageRequest {
  state?: ActionState;
  wave?: number;
  /** The device's GUID, hex. */
  guid?: string;
}

/**
 * Campaigns, their actions and what devices installed. Changes are conditional (`from` states, or
 * the current wave), so two replicas making the same change at once make it once.
 */
export interface CampaignRepository {
  /** Throws ERR_STORE_DUPLICATE when the id is taken. */
  create(c: CampaignInput): Promise<CampaignRecord>;
  get(id: string): Promise<CampaignRecord | undefined>;
  /** By id. */
  list(request?: CampaignListRequest): Promise<Page<CampaignRecord>>;
  /** The campaign after the change, or undefined when it is not in one of `from` (or `fromWave` when given). */
  update(id: string, from: readonly CampaignState[], change: CampaignChange, fromWave?: number): Promise<CampaignRecord | undefined>;
  /** Adds actions in state `scheduled`; throws ERR_STORE_DUPLICATE when a device has one in this campaign. */
  addActions(campaignId: string, actions: readonly { id: string; guid: string; wave: number }[]): Promise<void>;
  getAction(id: string): Promise<CampaignAction | undefined>;
  /** A campaign's actions, by wave then GUID; only `states` when given. */
  actions(campaignId: string, options?: { wave?: number; states?: readonly ActionState[] }): Promise<CampaignAction[]>;
  /** A page of a campaign's actions, by GUID (the (campaign, GUID) unique index). */
  listActions(campaignId: string, request?: ActionListRequest): Promise<Page<CampaignAction>>;
  /** A device's actions in `states`, oldest first. */
  actionsOfDevice(guid: string, states: readonly ActionState[]): Promise<CampaignAction[]>;
  /** The action after the change, or undefined when it is not in one of `from` (or has not `fromAttempts` attempts, when given). */
  updateAction(id: string, from: readonly ActionState[], change: ActionChange, fromAttempts?: number): Promise<CampaignAction | undefined>;
  /** Changes every action of the campaign the filter selects, each conditionally on its state; how many changed. */
  updateActions(campaignId: string, filter: ActionFilter, change: ActionChange): Promise<number>;
  /** The campaign's actions in `states` offered at or before `offeredBefore` (an indexed query for the timeout scan). */
  offeredBefore(campaignId: string, states: readonly ActionState[], offeredBefore: Date): Promise<CampaignAction[]>;
  /** The stored SUIT report of an action, when one was given. */
  report(id: string): Promise<Uint8Array | undefined>;
  /** Records why a report sent for the action was refused, leaving its state; false for an unknown action. */
  setReportError(id: string, error: string): Promise<boolean>;
  counts(campaignId: string): Promise<WaveCounts[]>;
  installed(guid: string): Promise<InstalledRecord | undefined>;
  setInstalled(r: Omit<InstalledRecord, 'updatedAt'>): Promise<void>;
}
