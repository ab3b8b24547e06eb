import type { Page, PageRequest } from './page.ts';

export type IntentQuarantineAction = 'quarantine' | 'release';

export interface IntentQuarantineRecord {
  /** Increases with every append. */
  id: number;
  mac: string;
  action: IntentQuarantineAction;
  /** Who: 'system' (the threshold), 'token:<id>'. */
  actor: string;
  reason: string;
  at: Date;
}

/** The largest reason kept, characters. */
export const MAX_INTENT_REASON_CHARS = 1024;

/** Quarantine and release of devices, append-only. */
export interface IntentQuarantineRepository {
  append(a: { mac: string; action: IntentQuarantineAction; actor: string; reason: string }): Promise<IntentQuarantineRecord>;
  /** Oldest first; `mac` filters. */
  list(page?: PageRequest & { mac?: string }): Promise<Page<IntentQuarantineRecord>>;
}
