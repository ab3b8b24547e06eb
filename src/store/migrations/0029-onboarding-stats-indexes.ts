import type { Kysely, Migration } from 'kysely';

/**
 * Indexes for the onboarding figures (sql/onboarding-stats-repository.ts): vouchers counted by
 * side and state, devices counted by whether and when they finished TO2 and reached the device
 * API, and a rendezvous' expired registrations, each counted from its index.
 */
export function onboardingStatsIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('vouchers_side_state').on('vouchers').columns(['side', 'state', 'guid']).execute();
      await db.schema.createIndex('devices_onboarded_at').on('devices').column('onboarded_at').execute();
      await db.schema.createIndex('devices_activated_at').on('devices').column('activated_at').execute();
      await db.schema.createIndex('rendezvous_expires_at').on('rendezvous').column('expires_at').execute();
    },
  };
}
