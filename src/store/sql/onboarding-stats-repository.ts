import { sql } from 'kysely';
import type { DeviceState } from '../device-repository.ts';
import type { OnboardingStatsRepository } from '../onboarding-stats-repository.ts';
import type { VoucherSide, VoucherState } from '../voucher-repository.ts';
import type { SqlContext } from './context.ts';

const HOUR_MS = 3_600_000;
/** The voucher states whose registration the owner keeps fresh (as the TO0 refresh job reads them). */
const KEPT_REGISTERED = ['imported', 'registered'];

/** PostgreSQL answers counts as bigint strings, SQLite as numbers; a sum over no rows is null. */
const count = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export function sqlOnboardingStatsRepository({ db }: SqlContext): OnboardingStatsRepository {
  return {
    async voucherStates() {
      const rows = await db
        .selectFrom('vouchers')
        .select((eb) => ['side', 'state', eb.fn.countAll().as('n')])
        .groupBy(['side', 'state'])
        .orderBy('side')
        .orderBy('state')
        .execute();
      return rows.map((r) => ({ side: r.side as VoucherSide, state: r.state as VoucherState, count: count(r.n) }));
    },
    async deviceStates() {
      const rows = await db
        .selectFrom('devices')
        .select((eb) => ['state', eb.fn.countAll().as('n')])
        .groupBy('state')
        .orderBy('state')
        .execute();
      return rows.map((r) => ({ state: r.state as DeviceState, count: count(r.n) }));
    },
    async deviceMilestones() {
      // Two counts, each answered from its own index (0029) rather than one scan of every record.
      const onboarded = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('onboarded_at', 'is not', null)
        .executeTakeFirstOrThrow();
      const activated = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('activated_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return { onboarded: count(onboarded.n), activated: count(activated.n) };
    },
    async to0Health(now, soon) {
      const t = now.getTime();
      const s = soon.getTime();
      // Driven from the vouchers still to keep registered (few in a settled fleet), by their state index.
      const r = await db
        .selectFrom('vouchers as v')
        .innerJoin('to0_registrations as r', 'r.guid', 'v.guid')
        .where('v.side', '=', 'owner')
        .where('v.state', 'in', KEPT_REGISTERED)
        .select((eb) => [
          eb.fn.countAll().as('tracked'),
          sql<number>`sum(case when r.refresh_at <= ${t} then 1 else 0 end)`.as('due'),
          sql<number>`sum(case when r.failures > 0 then 1 else 0 end)`.as('failing'),
          sql<number>`sum(case when r.registered_until > ${t} and r.registered_until <= ${s} then 1 else 0 end)`.as('soon'),
          sql<number>`sum(case when r.registered_until <= ${t} then 1 else 0 end)`.as('expired'),
        ])
        .executeTakeFirstOrThrow();
      return {
        tracked: count(r.tracked),
        due: count(r.due),
        failing: count(r.failing),
        expiringSoon: count(r.soon),
        expired: count(r.expired),
      };
    },
    async rendezvousCounts(now) {
      const all = await db
        .selectFrom('rendezvous')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const expired = await db
        .selectFrom('rendezvous')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('expires_at', '<=', now.getTime())
        .executeTakeFirstOrThrow();
      return { registrations: count(all.n), expired: count(expired.n) };
    },
    async onboardedPerHour(since, until) {
      // Integer division on both dialects; the literal keeps the grouped expression identical to the selected one.
      const bucket = sql<number | string>`onboarded_at / ${sql.lit(HOUR_MS)}`;
      const rows = await db
        .selectFrom('devices')
        .select((eb) => [bucket.as('bucket'), eb.fn.countAll().as('n')])
        .where('onboarded_at', '>=', since.getTime())
        .where('onboarded_at', '<', until.getTime())
        .groupBy(bucket)
        .orderBy(bucket)
        .execute();
      return rows.map((r) => ({ hour: new Date(Math.floor(Number(r.bucket)) * HOUR_MS), count: count(r.n) }));
    },
  };
}
