import type { IntentEnforcementState } from './intent-device-repository.ts';

/** How many intent devices are in each enforcement state; states without devices are 0. */
export type IntentDevicesByState = Record<IntentEnforcementState, number>;

/** One hour of violations: how many violating flows were first seen in it and how many were last seen in it. */
export interface IntentViolationHour {
  /** The start of the hour. */
  hour: Date;
  firstSeen: number;
  lastSeen: number;
}

/** The most hours one question covers (four weeks). */
export const MAX_INTENT_STATS_HOURS = 672;

/** Counts over the intent tables for the operator's overview, computed by the database. */
export interface IntentStatsRepository {
  devicesByState(): Promise<IntentDevicesByState>;
  /**
   * `hours` consecutive hours starting at `since` (which must fall on a whole hour, UTC), oldest
   * first, every hour present (0 when nothing happened in it).
   */
  violationsByHour(since: Date, hours: number): Promise<IntentViolationHour[]>;
}

export const HOUR_MS = 3_600_000;

/** Throws TypeError for a window the repository would not count. */
export function checkStatsWindow(since: Date, hours: number): void {
  if (!(since instanceof Date) || Number.isNaN(since.getTime())) throw new TypeError('since is a date');
  if (since.getTime() % HOUR_MS !== 0) throw new TypeError('since falls on a whole hour');
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_INTENT_STATS_HOURS) throw new TypeError(`hours is 1..${MAX_INTENT_STATS_HOURS}`);
}
