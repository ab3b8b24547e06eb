import type { Kysely, Migration } from 'kysely';

/**
 * What a device told its owner in TO2 (the iotopia.onboard module's MUD and SBOM URLs) and the
 * address its TO2 came from, kept on the device record for the intent and lifecycle pillars.
 * Null for devices onboarded before, and for devices that sent none.
 */
export function deviceOnboardInfo(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('devices').addColumn('mud_url', 'text').execute();
      await db.schema.alterTable('devices').addColumn('sbom_url', 'text').execute();
      await db.schema.alterTable('devices').addColumn('onboard_address', 'text').execute();
    },
  };
}
