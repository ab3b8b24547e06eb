import type { Kysely, Migration } from 'kysely';

/**
 * Manufacturing credentials: DI tokens a factory station presents on DI.AppStart, kept as the hash
 * of their secret, with an optional number of devices (`max_devices`, `used` counts the accepted
 * AppStarts) and an optional expiry. Manufacturer vouchers record how their DI was authorised
 * (`di_authorised_by`: `factory`, `token:<id>`, `loopback`), so auto-owner acts only on those.
 */
export function diTokens(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('di_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('max_devices', 'integer')
        .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.alterTable('vouchers').addColumn('di_authorised_by', 'text').execute();
    },
  };
}
