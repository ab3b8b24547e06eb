import type { Kysely, Migration } from 'kysely';

/**
 * The device API: each device's bearer credentials, kept as SHA-256 of the token (a pending one
 * waits for its TO2 to commit; a replaced one keeps an expiry for the overlap), and the attributes
 * the device reports about itself, one JSON document per device.
 */
export function deviceCredentials(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('device_credentials')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('guid', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('activated_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('device_credentials_by_guid').on('device_credentials').columns(['guid', 'created_at']).execute();
      await db.schema
        .createTable('device_config')
        .addColumn('guid', 'text', (c) => c.primaryKey())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
