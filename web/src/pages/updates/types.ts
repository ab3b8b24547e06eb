/** What the management API answers about releases, campaigns and their per-device actions. */
export interface ReleaseComponent {
  id: string;
  digest: string;
  size: number;
}

export interface Release {
  id: string;
  model: string;
  version: string;
  sequenceNumber: number;
  components: ReleaseComponent[];
  state: string;
  origin: string;
  createdAt: string;
  updatedAt: string;
}

export interface WaveSummary {
  succeeded: number;
  failed: number;
  pending: number;
  cancelled: number;
}

export interface WaveProgress {
  /** From 0. */
  wave: number;
  counts: Record<string, number>;
  summary: WaveSummary;
}

export interface Campaign {
  id: string;
  name: string;
  releaseId: string;
  targetQuery?: string;
  targetGuids?: string[];
  waves: ({ count: number } | { percent: number })[];
  actionType: string;
  confirm: boolean;
  errorThreshold: number;
  successThreshold?: number;
  timeoutSeconds: number;
  retries: { attempts: number; backoffSeconds: number };
  state: string;
  /** From 0. */
  currentWave: number;
  reason?: string;
  progress?: WaveProgress[];
  createdAt: string;
  updatedAt: string;
}

export interface CampaignAction {
  id: string;
  guid: string;
  /** From 0. */
  wave: number;
  state: string;
  attempts: number;
  reason?: string;
  reportVerified: boolean;
  reportError?: string;
  offeredAt?: string;
  notBefore?: string;
  updatedAt: string;
}

export const RELEASE_STATES = ['', 'draft', 'published', 'retired'] as const;
export const CAMPAIGN_STATES = ['', 'draft', 'running', 'paused', 'cancelled', 'finished'] as const;
export const ACTION_STATES = [
  '',
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
] as const;

/** A wave as the operator counts it (from 1, as `iotopia campaign show` does). */
export const waveLabel = (wave: number): string => `Wave ${wave + 1}`;

/** A wave's planned size. */
export const waveSize = (w: { count: number } | { percent: number }): string => ('count' in w ? `${w.count} devices` : `${w.percent} %`);
