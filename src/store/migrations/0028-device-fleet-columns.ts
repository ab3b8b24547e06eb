import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../schema.ts';
import { FLEET_INDEXES, FLEET_STATE_LAST_SEEN_INDEX, fleetRefresh } from '../sql/device-fleet-columns.ts';

/**
 * The tables whose rows the fleet columns copy from, each keyed by a device GUID in `guid`, with
 * the columns the copies read: an update of any other column (a voucher's state, its TO0
 * bookkeeping) leaves the fleet columns as they are and does not fire the trigger, so onboarding
 * pays for them only when a voucher is written whole.
 */
const SOURCES: Record<string, readonly string[]> = {
  vouchers: ['guid', 'side', 'device_info'],
  device_config: ['guid', 'config'],
  device_installed: ['guid', 'version', 'components'],
  intent_devices: ['guid', 'state', 'updated_at', 'mac'],
};

const forGuid = (g: string) => `guid = ${g} OR replacement_guid = ${g}`;

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`CREATE FUNCTION iotopia_fleet_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN ${fleetRefresh('postgres', forGuid('OLD.guid'))}; END IF;
      IF TG_OP <> 'DELETE' THEN ${fleetRefresh('postgres', forGuid('NEW.guid'))}; END IF;
      RETURN NULL;
    END $$`)
    .execute(db);
  for (const [table, columns] of Object.entries(SOURCES))
    await sql
      .raw(
        `CREATE TRIGGER ${table}_fleet AFTER INSERT OR UPDATE OF ${columns.join(', ')} OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION iotopia_fleet_refresh()`,
      )
      .execute(db);
  // A new device, or one TO2 gave another GUID, picks up what is already known of it.
  await sql
    .raw(
      `CREATE TRIGGER devices_fleet AFTER INSERT OR UPDATE OF replacement_guid ON devices FOR EACH ROW EXECUTE FUNCTION iotopia_fleet_refresh()`,
    )
    .execute(db);
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const body = (where: string) => `BEGIN ${fleetRefresh('sqlite', where)}; END`;
  for (const [table, columns] of Object.entries(SOURCES)) {
    await sql.raw(`CREATE TRIGGER ${table}_fleet_insert AFTER INSERT ON ${table} ${body(forGuid('NEW.guid'))}`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_fleet_delete AFTER DELETE ON ${table} ${body(forGuid('OLD.guid'))}`).execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_fleet_update AFTER UPDATE OF ${columns.join(', ')} ON ${table} ${body('guid IN (OLD.guid, NEW.guid) OR replacement_guid IN (OLD.guid, NEW.guid)')}`,
      )
      .execute(db);
  }
  await sql.raw(`CREATE TRIGGER devices_fleet_insert AFTER INSERT ON devices ${body('guid = NEW.guid')}`).execute(db);
  await sql.raw(`CREATE TRIGGER devices_fleet_update AFTER UPDATE OF replacement_guid ON devices ${body('guid = NEW.guid')}`).execute(db);
}

/**
 * The device list's own columns (sql/device-fleet-columns.ts): model, verified firmware version and
 * intent state, kept by triggers and filled here for the devices already stored, with an index per
 * sort order on (key, guid) so that one page of any order reads one index range.
 */
export function deviceFleetColumns(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of ['fleet_model', 'fleet_firmware', 'intent_state'])
        await db.schema.alterTable('devices').addColumn(column, 'text').execute();
      for (const [name, key] of FLEET_INDEXES) await sql.raw(`CREATE INDEX ${name} ON devices ((${key}), guid)`).execute(db);
      await sql.raw(FLEET_STATE_LAST_SEEN_INDEX).execute(db);
      if (dialect === 'postgres') await postgresTriggers(db);
      else await sqliteTriggers(db);
      await sql.raw(fleetRefresh(dialect, 'true')).execute(db);
    },
  };
}
