import type { Kysely, Migration } from 'kysely';

/**
 * Verified SUIT reports and the firmware they prove. `report_verified` is 1 once the report kept
 * with an action verified against the device's key and matched the offered manifest;
 * `report_error` keeps why the last report the device sent for the action was refused (the action
 * kept its state). `device_installed.components` is the JSON list of the components a verified
 * report proved installed (SUIT component id and image digest), `report_action` the action whose
 * report it was.
 */
export function verifiedReports(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('campaign_actions').addColumn('report_verified', 'integer').execute();
      await db.schema.alterTable('campaign_actions').addColumn('report_error', 'text').execute();
      await db.schema.alterTable('device_installed').addColumn('components', 'text').execute();
      await db.schema.alterTable('device_installed').addColumn('report_action', 'text').execute();
    },
  };
}
