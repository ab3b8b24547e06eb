import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Assessments of products against catalogs, and the evidence records beside them: manual
 * statements (with their attachments' bytes, each with its SHA-256) and open-port probe results.
 * Lists read by model, newest or oldest first, hence the (model, at, id) indexes.
 */
export function assessments(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('assessments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('market', 'text')
        .addColumn('catalogs', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('met', 'integer', (c) => c.notNull())
        .addColumn('not_met', 'integer', (c) => c.notNull())
        .addColumn('partially_met', 'integer', (c) => c.notNull())
        .addColumn('not_applicable', 'integer', (c) => c.notNull())
        .addColumn('manual_evidence_needed', 'integer', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assessments_model_at').on('assessments').columns(['model', 'at', 'id']).execute();
      await db.schema
        .createTable('manual_evidence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('catalog', 'text', (c) => c.notNull())
        .addColumn('provision', 'text', (c) => c.notNull())
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('manual_evidence_model_at').on('manual_evidence').columns(['model', 'at', 'id']).execute();
      await db.schema
        .createTable('evidence_attachments')
        .addColumn('evidence_id', 'text', (c) => c.notNull().references('manual_evidence.id'))
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('evidence_attachments_pk', ['evidence_id', 'n'])
        .execute();
      await db.schema
        .createTable('probe_results')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('probe_results_model_at').on('probe_results').columns(['model', 'at', 'id']).execute();
    },
  };
}
