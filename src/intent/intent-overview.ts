/**
 * The operator's overview of the MUD manager: how many devices are in each enforcement state, and
 * violating flows per hour over the last hours (the current hour last). Violations are kept per
 * flow shape with their first and last sighting, so an hour counts the flows first seen in it and
 * the flows last seen in it; a release clears a device's violations, and so its history.
 */
import type { IntentDevicesByState, IntentStatsRepository, IntentViolationHour } from '../store/intent-stats-repository.ts';
import { HOUR_MS } from '../store/intent-stats-repository.ts';

export interface IntentOverview {
  devices: IntentDevicesByState;
  /** Devices in any state but removed. */
  total: number;
  hours: IntentViolationHour[];
}

/** The hour `now` falls in and the `hours - 1` before it. */
export function statsWindowStart(now: Date, hours: number): Date {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return new Date(current - (hours - 1) * HOUR_MS);
}

export async function intentOverview(stats: IntentStatsRepository, now: Date, hours: number): Promise<IntentOverview> {
  const [devices, perHour] = await Promise.all([stats.devicesByState(), stats.violationsByHour(statsWindowStart(now, hours), hours)]);
  const total = Object.entries(devices).reduce((sum, [state, n]) => (state === 'removed' ? sum : sum + n), 0);
  return { devices, total, hours: perHour };
}
