/**
 * One operation at a time per device in this process: a tick's refresh, an operator's quarantine
 * and a watcher's report on the same MAC would otherwise read the same record, apply in turn and
 * store over each other (a refresh could undo a quarantine). Replicas need no more: only the
 * lease holder applies.
 */
export type DeviceLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function createDeviceLock(): DeviceLock {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
