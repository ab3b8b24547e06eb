/**
 * Maintenance windows: a cron expression (croner's five- or six-field syntax) marks when a window
 * opens, in an IANA time zone; it stays open for `minutes`. A device is offered an update only
 * while a window of its campaign is open.
 */
import { Cron } from 'croner';
import { IotopiaError } from '../../errors.ts';

export interface MaintenanceWindow {
  cron: string;
  /** How long the window stays open, minutes (1 to 10,080, a week). */
  minutes: number;
  /** IANA time zone, e.g. `Europe/Berlin`; default UTC. */
  timeZone?: string;
}

/** The longest window, minutes. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;

const windowError = (message: string) => new IotopiaError('ERR_CAMPAIGN_WINDOW', message);

/** A checked window, ready to answer; ERR_CAMPAIGN_WINDOW naming the fault otherwise. */
export function maintenanceWindow(w: MaintenanceWindow): (at: Date) => boolean {
  if (!Number.isSafeInteger(w.minutes) || w.minutes < 1 || w.minutes > MAX_WINDOW_MINUTES)
    throw windowError(`a window lasts 1 to ${MAX_WINDOW_MINUTES} minutes`);
  const timezone = w.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw windowError(`${JSON.stringify(timezone)} is not an IANA time zone`);
  }
  if (w.cron.length > 256) throw windowError('a cron expression has at most 256 characters');
  let cron: Cron;
  try {
    cron = new Cron(w.cron, { timezone, paused: true });
  } catch (e) {
    throw windowError(`not a cron expression: ${(e as Error).message}`);
  }
  const span = w.minutes * 60_000;
  return (at) => {
    // The window that opened last at or before `at` (a run exactly at `at` counts).
    const probe = new Date(at.getTime() + 1);
    const opened = cron.previousRuns(1, probe)[0];
    return opened !== undefined && at.getTime() - opened.getTime() < span;
  };
}
