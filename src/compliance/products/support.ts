/**
 * When a product is out of support: its support end date is the last day of its defined support
 * period, so from the next day (UTC) on. The product view, the out-of-support report and the
 * device view judge by this one function.
 */

/** The day (`YYYY-MM-DD`, UTC) `now` falls on; support ended before it when the end date sorts earlier. */
export const supportDay = (now: Date): string => now.toISOString().slice(0, 10);

export function isOutOfSupport(supportEnd: string | undefined, now: Date): boolean {
  return supportEnd !== undefined && supportEnd < supportDay(now);
}
