import { sql } from 'kysely';
import { INTENT_ENFORCEMENT_STATES, type IntentEnforcementState } from '../intent-device-repository.ts';
import { checkStatsWindow, HOUR_MS, type IntentDevicesByState, type IntentStatsRepository } from '../intent-stats-repository.ts';
import type { SqlContext } from './context.ts';

type Column = 'first_seen' | 'last_seen';

export function sqlIntentStatsRepository({ db }: SqlContext): IntentStatsRepository {
  /** Violating flows per hour index (0 = the hour starting at `start`) of the column, within [start, end). */
  async function perHour(column: Column, start: number, end: number): Promise<Map<number, number>> {
    // Both columns hold integer milliseconds, so the division is an integer one in both dialects;
    // literals (checked integers), so that PostgreSQL sees the same expression in SELECT and GROUP BY.
    const bucket = sql<number | string>`(${sql.ref(column)} - ${sql.lit(start)}) / ${sql.lit(HOUR_MS)}`;
    const rows = await db
      .selectFrom('intent_violations')
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .where(column, '>=', start)
      .where(column, '<', end)
      .groupBy(bucket)
      .execute();
    return new Map(rows.map((r) => [Number(r.bucket), Number(r.n)]));
  }

  return {
    async devicesByState() {
      const rows = await db
        .selectFrom('intent_devices')
        .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('state')
        .execute();
      const counts = Object.fromEntries(INTENT_ENFORCEMENT_STATES.map((s) => [s, 0])) as IntentDevicesByState;
      for (const r of rows) counts[r.state as IntentEnforcementState] = Number(r.n);
      return counts;
    },
    async violationsByHour(since, hours) {
      checkStatsWindow(since, hours);
      const start = since.getTime();
      const end = start + hours * HOUR_MS;
      const [first, last] = await Promise.all([perHour('first_seen', start, end), perHour('last_seen', start, end)]);
      return Array.from({ length: hours }, (_, i) => ({
        hour: new Date(start + i * HOUR_MS),
        firstSeen: first.get(i) ?? 0,
        lastSeen: last.get(i) ?? 0,
      }));
    },
  };
}
