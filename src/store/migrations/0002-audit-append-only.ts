import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * The audit log refuses UPDATE and DELETE in the database itself, so not even a bug or a hand-run
 * statement in IoTopia's own connection rewrites history. Also indexes devices by the GUID TO2 gave
 * them, which is how an onboarded device is found from then on.
 */
export function auditAppendOnly(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION iotopia_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION iotopia_audit_log_append_only()`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
          FOR EACH STATEMENT EXECUTE FUNCTION iotopia_audit_log_append_only()`.execute(db);
      } else {
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
      }
      await db.schema.createIndex('devices_replacement_guid').on('devices').column('replacement_guid').execute();
    },
  };
}
