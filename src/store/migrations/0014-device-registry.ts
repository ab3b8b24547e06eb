import type { Kysely, Migration } from 'kysely';

/**
 * The device registry: when a device first reached the device API (`activated_at`), and its
 * labels, tags and groups, one row each so that lists filter by an index.
 */
export function deviceRegistry(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('devices').addColumn('activated_at', 'bigint').execute();
      await db.schema
        .createTable('device_labels')
        .addColumn('guid', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('device_labels_pk', ['guid', 'kind', 'label'])
        .execute();
      await db.schema.createIndex('device_labels_by_label').on('device_labels').columns(['kind', 'label', 'guid']).execute();
      await db.schema.createIndex('devices_state').on('devices').columns(['state', 'guid']).execute();
    },
  };
}
