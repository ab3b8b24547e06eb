import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Three additions. One device record through replacement GUIDs: every GUID TO2 gave a device here names the record
 * it was given to (`device_guid`, the GUID the device first onboarded with) and the GUID the device
 * ran that TO2 with (`ran_with`). Filled from the replacement GUIDs recorded so far; records made
 * before this migration for a GUID TO2 had given (one per TO2 run) stay as they are. And when each
 * payload chunk was written (`written_at`; null for chunks written before), so that a sweep removes
 * only chunks of uploads that ended long ago without a payload row. And when an operator asked the
 * device to rotate a credential (`rotation_requested_at`; the poll answer says so until it does).
 */
export function deviceGuidsRotationSweep(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('device_guids')
        .addColumn('guid', 'text', (c) => c.primaryKey())
        .addColumn('device_guid', 'text', (c) => c.notNull())
        .addColumn('ran_with', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('device_guids_by_device').on('device_guids').columns(['device_guid', 'created_at']).execute();
      await sql`insert into device_guids (guid, device_guid, ran_with, created_at)
        select replacement_guid, guid, guid, coalesce(onboarded_at, updated_at) from devices
        where replacement_guid is not null and replacement_guid <> guid`.execute(db);
      await db.schema.alterTable('payload_chunks').addColumn('written_at', 'bigint').execute();
      await db.schema.alterTable('device_credentials').addColumn('rotation_requested_at', 'bigint').execute();
    },
  };
}
