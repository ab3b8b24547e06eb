import type { Kysely, Migration } from 'kysely';

/**
 * API tokens may expire: `expires_at` (milliseconds since the epoch, as the other times) is the
 * first moment the token is refused; null for a token without expiry, as every earlier token is.
 */
export function tokenExpiry(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
    },
  };
}
