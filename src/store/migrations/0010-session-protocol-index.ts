import type { Kysely, Migration } from 'kysely';

/**
 * The FDO transport counts the live sessions of one protocol on every start message (the cap on
 * open sessions per role): `WHERE protocol = ? AND expires_at > ?`. This index answers that count
 * from the index alone, a range over the live sessions of that protocol, instead of the table.
 */
export function sessionProtocolIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('sessions_protocol_expires_at').on('sessions').columns(['protocol', 'expires_at']).execute();
    },
  };
}
