import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * A `settings` change generation: bumped by triggers in the same transaction as any insert,
 * update or delete of a setting, whichever replica or statement makes it. The settings repository
 * keeps what it read while the generation it read under is still the current one
 * (sql/settings-cache.ts).
 */
export function settingsGeneration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`insert into change_generations (name, generation) values ('settings', 0)`.execute(db);
      const bump = `UPDATE change_generations SET generation = generation + 1 WHERE name = 'settings'`;
      if (dialect === 'postgres') {
        // iotopia_bump_generation() comes with 0022.
        await sql
          .raw(
            `CREATE TRIGGER settings_generation AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT EXECUTE FUNCTION iotopia_bump_generation('settings')`,
          )
          .execute(db);
        return;
      }
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        await sql
          .raw(`CREATE TRIGGER settings_generation_${event.toLowerCase()} AFTER ${event} ON settings BEGIN ${bump}; END`)
          .execute(db);
      }
    },
  };
}
