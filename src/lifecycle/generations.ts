/**
 * The store's change generations (Store.changeGenerations) as this process last read them, for
 * caches that trust what they read while the generation they read under is the current one. The
 * store is asked at most once per refresh interval, by one query for all requests (those that come
 * while it runs wait for it); a value is current only until the interval has passed since its read
 * began, so a change committed by another replica shows here within the interval and one query.
 */
import type { ChangeGenerations, Store } from '../store/store.ts';

export interface Generations {
  /** Generations read less than the refresh interval ago; undefined when the store could not be read. */
  current(): Promise<ChangeGenerations | undefined>;
}

export function generations(store: Store, o: { refreshMs: number; clock: () => number }): Generations {
  let known: { value: ChangeGenerations; readAt: number } | undefined;
  let reading: Promise<ChangeGenerations | undefined> | undefined;

  async function read(): Promise<ChangeGenerations | undefined> {
    // The time the read began: a change committed after it may be missing from the value.
    const readAt = o.clock();
    try {
      const value = await store.changeGenerations();
      known = { value, readAt };
      return value;
    } catch {
      known = undefined;
      return undefined;
    } finally {
      reading = undefined;
    }
  }

  return {
    current() {
      if (known !== undefined && o.clock() - known.readAt < o.refreshMs) return Promise.resolve(known.value);
      reading ??= read();
      return reading;
    },
  };
}
