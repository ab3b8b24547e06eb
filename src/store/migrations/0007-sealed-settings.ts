import type { Kysely, Migration } from 'kysely';

/**
 * Settings that hold secrets (ServiceInfo inline data, Wi-Fi passwords) are sealed under the
 * key-encryption key: `sealed` 1 marks a row whose `value` is the sealed JSON, base64. Existing
 * rows stay plain (the migration has no key); their writers seal them at the next write.
 */
export function sealedSettings(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('settings')
        .addColumn('sealed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
