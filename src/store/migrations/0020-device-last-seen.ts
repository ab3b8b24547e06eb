import type { Kysely, Migration } from 'kysely';

/**
 * When a device was last seen on the device API and from which address (written at most once a
 * minute per device, lifecycle/last-seen.ts), indexed so that lists filter on it.
 */
export function deviceLastSeen(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('devices').addColumn('last_seen_at', 'bigint').execute();
      await db.schema.alterTable('devices').addColumn('last_seen_address', 'text').execute();
      await db.schema.createIndex('devices_last_seen').on('devices').columns(['last_seen_at', 'guid']).execute();
    },
  };
}
