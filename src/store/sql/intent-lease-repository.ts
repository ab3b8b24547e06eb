import type { IntentLease, IntentLeaseRepository } from '../intent-lease-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date } from './rows.ts';

const lease = (r: { gateway: string; holder: string; expires_at: number | string }): IntentLease => ({
  gateway: r.gateway,
  holder: r.holder,
  expiresAt: date(r.expires_at),
});

export function sqlIntentLeaseRepository({ db, clock }: SqlContext): IntentLeaseRepository {
  const get = async (gateway: string) => {
    const row = await db.selectFrom('intent_leases').selectAll().where('gateway', '=', gateway).executeTakeFirst();
    return row === undefined ? undefined : lease(row);
  };
  return {
    get,
    async acquire(gateway, holder, ttlMs) {
      if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new TypeError('a lease lasts a positive number of milliseconds');
      const now = clock().getTime();
      // One conditional upsert: a free row is inserted; a taken row changes only when it is ours or expired.
      await db
        .insertInto('intent_leases')
        .values({ gateway, holder, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('gateway')
            .doUpdateSet({ holder, expires_at: now + ttlMs })
            .where((eb) => eb.or([eb('intent_leases.holder', '=', holder), eb('intent_leases.expires_at', '<=', now)])),
        )
        .execute();
      const current = await get(gateway);
      if (current === undefined) throw new Error('the lease row vanished');
      return current;
    },
    async release(gateway, holder) {
      const r = await db.deleteFrom('intent_leases').where('gateway', '=', gateway).where('holder', '=', holder).executeTakeFirst();
      return affected(r) > 0;
    },
  };
}
