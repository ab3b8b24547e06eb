import type { Kysely, Migration } from 'kysely';

/**
 * The intent pillar's recent flows (intent-flow-repository.ts): one row per device and flow shape,
 * accepted or dropped, with the rule that decided; pruned to the most recently seen per device,
 * which the (mac, last_seen) index finds.
 */
export function intentFlows(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('intent_flows')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('protocol', 'integer', (c) => c.notNull())
        .addColumn('peer', 'text', (c) => c.notNull())
        .addColumn('peer_port', 'integer', (c) => c.notNull())
        .addColumn('local_port', 'integer', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'bigint', (c) => c.notNull())
        .addColumn('last_seen', 'bigint', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('intent_flows_mac_seen').on('intent_flows').columns(['mac', 'last_seen', 'key']).execute();
    },
  };
}
