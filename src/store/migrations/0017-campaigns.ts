import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Update campaigns and their per-device actions. Every wave's actions are written when the campaign
 * starts, each with its wave index; `current_wave` says which wave devices are offered from;
 * `acknowledged_failures` are the current wave's failures an operator resumed past. An
 * action has its own id (what the device API names) and is unique per campaign and device.
 * `device_installed` keeps the release each device last reported installed, for anti-rollback.
 */
export function campaigns(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('release_id', 'text', (c) => c.notNull())
        .addColumn('target_query', 'text')
        .addColumn('target_guids', 'text')
        .addColumn('waves', 'text', (c) => c.notNull())
        .addColumn('action_type', 'text', (c) => c.notNull())
        .addColumn('confirm', 'integer', (c) => c.notNull())
        .addColumn('maintenance_window', 'text')
        .addColumn('error_threshold', 'integer', (c) => c.notNull())
        .addColumn('success_threshold', 'integer')
        .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('current_wave', 'integer', (c) => c.notNull())
        .addColumn('acknowledged_failures', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('campaign_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('guid', 'text', (c) => c.notNull())
        .addColumn('wave', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('report', bytes)
        .addColumn('offered_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('campaign_actions_campaign_guid', ['campaign_id', 'guid'])
        .execute();
      await db.schema.createIndex('campaign_actions_guid_state').on('campaign_actions').columns(['guid', 'state']).execute();
      await db.schema
        .createTable('device_installed')
        .addColumn('guid', 'text', (c) => c.primaryKey())
        .addColumn('release_id', 'text')
        .addColumn('version', 'text')
        .addColumn('sequence_number', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
