/**
 * Last seen: when and from where each device last reached the device API. Polls must stay cheap,
 * so a device's sighting is kept at most once per LAST_SEEN_INTERVAL_MS in this process, and the
 * kept ones are written together, in one transaction, every LAST_SEEN_FLUSH_MS. The record is
 * therefore at most interval + flush behind the device's latest request (a replica that stops
 * without `close` loses its last unwritten batch).
 */
import { guidToHex } from '../fdo/types/guid.ts';
import type { DeviceSighting } from '../store/device-repository.ts';
import type { Store } from '../store/store.ts';

/** The least time between two recorded sightings of one device, ms. */
export const LAST_SEEN_INTERVAL_MS = 60_000;
/** How often kept sightings are written, ms. */
export const LAST_SEEN_FLUSH_MS = 5_000;
/** The most devices whose last recording time is remembered; past it the oldest is forgotten. */
const REMEMBERED_MAX = 200_000;

export interface LastSeenOptions {
  store: Store;
  clock?: () => Date;
  intervalMs?: number;
  flushMs?: number;
  log?: (level: 'warn', message: string, fields: Record<string, unknown>) => void;
}

export interface LastSeen {
  /** The device was seen now, from `address`; cheap: at most a map lookup. */
  seen(guid: Uint8Array, address: string | undefined): void;
  /** Writes the kept sightings now. */
  flush(): Promise<void>;
  /** Writes what is kept and stops the timer. */
  close(): Promise<void>;
}

export function lastSeen(o: LastSeenOptions): LastSeen {
  const clock = o.clock ?? (() => new Date());
  const intervalMs = o.intervalMs ?? LAST_SEEN_INTERVAL_MS;
  const recorded = new Map<string, number>();
  let pending = new Map<string, DeviceSighting>();
  let writing: Promise<void> = Promise.resolve();

  async function write(batch: DeviceSighting[]): Promise<void> {
    try {
      await o.store.transaction((r) => r.devices.recordSightings(batch));
    } catch (e) {
      o.log?.('warn', 'lifecycle: last-seen times could not be written', { devices: batch.length, err: (e as Error).message });
    }
  }

  function flush(): Promise<void> {
    if (pending.size > 0) {
      const batch = [...pending.values()];
      pending = new Map();
      writing = writing.then(() => write(batch));
    }
    return writing;
  }

  const timer = setInterval(() => void flush(), o.flushMs ?? LAST_SEEN_FLUSH_MS);
  timer.unref();

  return {
    seen(guid, address) {
      const now = clock();
      const hex = guidToHex(guid);
      const last = recorded.get(hex);
      if (last !== undefined && now.getTime() - last < intervalMs) return;
      recorded.delete(hex);
      // In the order they were recorded: those older than the interval are at the front and go.
      for (const [oldest, at] of recorded) {
        if (now.getTime() - at < intervalMs && recorded.size < REMEMBERED_MAX) break;
        recorded.delete(oldest);
      }
      recorded.set(hex, now.getTime());
      pending.set(hex, { guid, at: now, ...(address === undefined ? {} : { address }) });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
