import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * The columns of `devices` whose change counts; a sighting (`last_seen_*`) does not. A later
 * migration that adds a column a cache of devices keeps must replace the update triggers.
 */
const DEVICE_COLUMNS = [
  'state',
  'replacement_guid',
  'updated_at',
  'onboarded_at',
  'mud_url',
  'sbom_url',
  'onboard_address',
  'activated_at',
];

/** What each generation counts: its name, the tables that bump it. */
const WATCHED: readonly [string, readonly string[]][] = [
  ['devices', ['devices', 'device_labels', 'device_guids', 'device_credentials']],
  ['campaign_actions', ['campaign_actions']],
];

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION iotopia_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE change_generations SET generation = generation + 1 WHERE name = TG_ARGV[0];
      RETURN NULL;
    END $$`.execute(db);
  const changed = DEVICE_COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');
  for (const [name, tables] of WATCHED) {
    for (const table of tables) {
      const when = table === 'devices' ? `UPDATE ON devices FOR EACH ROW WHEN (${changed})` : `UPDATE ON ${table} FOR EACH STATEMENT`;
      const run = `EXECUTE FUNCTION iotopia_bump_generation('${name}')`;
      await sql.raw(`CREATE TRIGGER ${table}_generation_write AFTER INSERT OR DELETE ON ${table} FOR EACH STATEMENT ${run}`).execute(db);
      await sql.raw(`CREATE TRIGGER ${table}_generation_update AFTER ${when} ${run}`).execute(db);
    }
  }
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const changed = DEVICE_COLUMNS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  for (const [name, tables] of WATCHED) {
    const bump = `BEGIN UPDATE change_generations SET generation = generation + 1 WHERE name = '${name}'; END`;
    for (const table of tables) {
      for (const event of ['INSERT', 'DELETE']) {
        await sql.raw(`CREATE TRIGGER ${table}_generation_${event.toLowerCase()} AFTER ${event} ON ${table} ${bump}`).execute(db);
      }
      const when = table === 'devices' ? ` WHEN ${changed}` : '';
      await sql.raw(`CREATE TRIGGER ${table}_generation_update AFTER UPDATE ON ${table}${when} ${bump}`).execute(db);
    }
  }
}

/**
 * Change generations: a counter per kind of change that the device API's caches depend on, bumped
 * by triggers in the same transaction as the change, whichever replica or statement makes it.
 * `devices` counts writes to devices (not their sightings), their labels, their GUIDs and their
 * credentials; `campaign_actions` counts writes to campaign actions. A replica reads both in one
 * query now and then, and trusts what it remembers while they stay the same.
 */
export function changeGenerations(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('change_generations')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('generation', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into change_generations (name, generation) values ('devices', 0), ('campaign_actions', 0)`.execute(db);
      if (dialect === 'postgres') await postgresTriggers(db);
      else await sqliteTriggers(db);
    },
  };
}
