import type { Kysely, Migration } from 'kysely';

/**
 * When the owner's TO0 registration of a voucher runs out (the rendezvous' waitSeconds), so the
 * owner can register again before devices stop finding it.
 */
export function voucherRegistration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('vouchers').addColumn('registered_until', 'bigint').execute();
      await db.schema.createIndex('vouchers_registered_until').on('vouchers').columns(['side', 'registered_until']).execute();
    },
  };
}
