import type { Store } from '../../store/store.ts';
import type { IdleDevices } from './idle-devices.ts';

/** What the campaign services share: the store, the time, and where action transitions are logged. */
export interface CampaignContext {
  store: Store;
  clock?: () => Date;
  log?: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  /** Devices found without an open action lately: their polls skip the store (the device API's). */
  idle?: IdleDevices;
}

/** The actor of changes the engine makes by itself, as audit records name it. */
export const ENGINE_ACTOR = 'campaign-engine';

export const nowOf = (c: CampaignContext): Date => c.clock?.() ?? new Date();
