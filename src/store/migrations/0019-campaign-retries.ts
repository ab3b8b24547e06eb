import type { Kysely, Migration } from 'kysely';

/**
 * Campaign retries and the engine's timeout scan. A campaign keeps how often a failed or timed-out
 * action is offered again (`retry_attempts`, 0: never) and the first wait (`retry_backoff_seconds`,
 * doubled per attempt); an action sent back to `scheduled` keeps the time before which no poll
 * offers it (`not_before`, null: at once). The index serves the tick's query for a campaign's
 * actions in flight offered before a time.
 */
export function campaignRetries(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('campaigns')
        .addColumn('retry_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('campaigns')
        .addColumn('retry_backoff_seconds', 'integer', (c) => c.notNull().defaultTo(60))
        .execute();
      await db.schema.alterTable('campaign_actions').addColumn('not_before', 'bigint').execute();
      await db.schema
        .createIndex('campaign_actions_campaign_state_offered')
        .on('campaign_actions')
        .columns(['campaign_id', 'state', 'offered_at'])
        .execute();
    },
  };
}
