import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * The MUD manager's tables: devices by MAC with their MUD state, violations keyed by flow shape,
 * quarantine actions (append-only) and the replica leases per gateway.
 */
export function intent(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('intent_devices')
        .addColumn('mac', 'text', (c) => c.primaryKey())
        .addColumn('guid', 'text')
        .addColumn('name', 'text')
        .addColumn('ipv4', 'text')
        .addColumn('ipv6', 'text')
        .addColumn('mud_url', 'text')
        .addColumn('url_source', 'text', (c) => c.notNull())
        .addColumn('mud_json', 'text')
        .addColumn('mud_digest', 'text')
        .addColumn('mud_signer', 'text')
        .addColumn('mud_signed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('fetch_etag', 'text')
        .addColumn('fetched_at', 'bigint')
        .addColumn('valid_until', 'bigint')
        .addColumn('fetch_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt', 'bigint')
        .addColumn('last_error_code', 'text')
        .addColumn('last_error_message', 'text')
        .addColumn('last_error_at', 'bigint')
        .addColumn('names', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('rule_count', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('intent_devices_ipv4').on('intent_devices').column('ipv4').execute();
      await db.schema.createIndex('intent_devices_ipv6').on('intent_devices').column('ipv6').execute();
      await db.schema.createIndex('intent_devices_guid').on('intent_devices').column('guid').execute();
      await db.schema.createIndex('intent_devices_due').on('intent_devices').column('due_at').execute();
      await db.schema
        .createTable('intent_violations')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('protocol', 'integer', (c) => c.notNull())
        .addColumn('peer', 'text', (c) => c.notNull())
        .addColumn('peer_port', 'integer', (c) => c.notNull())
        .addColumn('local_port', 'integer', (c) => c.notNull())
        .addColumn('acl', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'bigint', (c) => c.notNull())
        .addColumn('last_seen', 'bigint', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('intent_violations_mac').on('intent_violations').columns(['mac', 'key']).execute();
      await db.schema
        .createTable('intent_quarantine_actions')
        // SQLite's INTEGER PRIMARY KEY numbers itself; PostgreSQL needs a sequence.
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('intent_quarantine_mac').on('intent_quarantine_actions').columns(['mac', 'id']).execute();
      await db.schema
        .createTable('intent_leases')
        .addColumn('gateway', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
