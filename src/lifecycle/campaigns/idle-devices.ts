/**
 * Devices known to have no open campaign action, so that their polls skip the store. An answer is
 * trusted while the store's `campaign_actions` change generation is the one it was read under
 * (generations.ts, read again once IDLE_CACHE_MS has passed) and this process has written no
 * campaign action since (Store.writeCount): an action created or rescheduled in this process is
 * offered on the device's next poll, one made by another replica within IDLE_CACHE_MS and a query.
 */
import type { Store } from '../../store/store.ts';
import { generations } from '../generations.ts';

/** How long a read of the campaign-actions generation is trusted, ms; 0 turns the memory off. */
export const IDLE_CACHE_MS = 1_000;
/** The most devices remembered. */
export const IDLE_CACHE_MAX = 200_000;

/** Where the store stood before a read: the shared generation and this process's writes. */
export interface IdleMark {
  generation: number;
  writes: number;
}

export interface IdleDevices {
  /** Where the store stands now, to take before reading; undefined when nothing may be remembered. */
  mark(): Promise<IdleMark | undefined>;
  /** True when the device was found idle in a read under the same mark. */
  known(guid: string, mark: IdleMark): boolean;
  /** The device had no open action in a read that began at `mark`. */
  remember(guid: string, mark: IdleMark): void;
}

export function idleDevices(store: Store, o: { ttlMs?: number; max?: number; clock?: () => Date } = {}): IdleDevices {
  const ttlMs = o.ttlMs ?? IDLE_CACHE_MS;
  const max = o.max ?? IDLE_CACHE_MAX;
  const clock = o.clock ?? (() => new Date());
  const shared = generations(store, { refreshMs: ttlMs, clock: () => clock().getTime() });
  let idle = new Map<string, number>();
  let under: IdleMark | undefined;
  const same = (a: IdleMark, b: IdleMark) => a.generation === b.generation && a.writes === b.writes;
  return {
    async mark() {
      if (ttlMs <= 0) return undefined;
      const writes = store.writeCount('campaign_actions');
      const generation = (await shared.current())?.campaign_actions;
      return generation === undefined ? undefined : { generation, writes };
    },
    known(guid, mark) {
      return under !== undefined && same(under, mark) && idle.has(guid);
    },
    remember(guid, mark) {
      // Marks only grow: one older than the memory's is stale, a newer one starts it again.
      if (under !== undefined && (mark.generation < under.generation || mark.writes < under.writes)) return;
      if (under === undefined || !same(under, mark)) idle = new Map();
      under = mark;
      for (const [oldest] of idle) {
        if (idle.size < max) break;
        idle.delete(oldest);
      }
      idle.set(guid, 0);
    },
  };
}
