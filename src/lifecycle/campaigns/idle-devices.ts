/**
 * Devices known to have no open campaign action, so that their polls skip the store for a while.
 * An answer is trusted for IDLE_CACHE_MS at most, and only while this process has written no
 * campaign action since it was read (Store.writeCount): an action created or rescheduled in this
 * process is offered on the device's next poll, one made by another replica within IDLE_CACHE_MS.
 */
import type { Store } from '../../store/store.ts';

/** How long "no open action" is trusted from memory, ms. */
export const IDLE_CACHE_MS = 5_000;
/** The most devices remembered. */
export const IDLE_CACHE_MAX = 200_000;

export interface IdleDevices {
  /** True when the device was found idle less than the bound ago and no action was written since. */
  known(guid: string, now: Date): boolean;
  /** The write count to pass to `remember`, taken before the store is read. */
  mark(): number;
  /** The device had no open action in a read that began at `mark`. */
  remember(guid: string, now: Date, mark: number): void;
}

export function idleDevices(store: Store, o: { ttlMs?: number; max?: number } = {}): IdleDevices {
  const ttlMs = o.ttlMs ?? IDLE_CACHE_MS;
  const max = o.max ?? IDLE_CACHE_MAX;
  const idle = new Map<string, { until: number; writes: number }>();
  const writes = () => store.writeCount('campaign_actions');
  return {
    known(guid, now) {
      const e = idle.get(guid);
      if (e === undefined) return false;
      if (e.until > now.getTime() && e.writes === writes()) return true;
      idle.delete(guid);
      return false;
    },
    mark: writes,
    remember(guid, now, mark) {
      if (ttlMs <= 0) return;
      // In the order they were made, all for the same time: the expired ones are at the front.
      for (const [oldest, e] of idle) {
        if (e.until > now.getTime() && idle.size < max) break;
        idle.delete(oldest);
      }
      idle.delete(guid);
      idle.set(guid, { until: now.getTime() + ttlMs, writes: mark });
    },
  };
}
