/**
 * When the primary of `iotopia up --workers N` restarts a worker that died, and when it gives up
 * (ADR 0032): each slot restarts after a delay that doubles with every crash in a row, and a slot
 * whose workers die before they listen too many times in a row ends the server (a setting or the
 * database that no restart can fix) instead of looping for ever.
 */

/** The first restart's delay; each crash in a row doubles it up to RESTART_MAX_MS. */
export const RESTART_FIRST_MS = 250;
export const RESTART_MAX_MS = 15_000;
/** A worker that served this long before it died starts the count of crashes in a row again. */
export const STABLE_MS = 30_000;
/** Workers of one slot that died before listening, in a row, after which the server stops. */
export const MAX_START_FAILURES = 5;

export interface SlotHistory {
  /** Crashes in a row: deaths before listening or within STABLE_MS of it. */
  crashes: number;
  /** Of those, deaths before listening, in a row. */
  startFailures: number;
}

export type Verdict = { restartInMs: number } | { giveUp: string };

/** What to do after a worker of a slot died: `readyForMs` is how long it had listened (undefined: never). */
export function afterExit(history: SlotHistory, readyForMs: number | undefined): Verdict {
  if (readyForMs !== undefined && readyForMs >= STABLE_MS) {
    history.crashes = 0;
    history.startFailures = 0;
  }
  history.crashes++;
  if (readyForMs === undefined) history.startFailures++;
  else history.startFailures = 0;
  if (history.startFailures >= MAX_START_FAILURES) return { giveUp: `${history.startFailures} workers in a row died before they listened` };
  return { restartInMs: Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** (history.crashes - 1)) };
}
