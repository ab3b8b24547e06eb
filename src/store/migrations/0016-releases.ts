import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Releases and their payloads. A payload is known by its SHA-256 and kept either in
 * `payload_chunks` (the database, so replicas need nothing else) or in a directory; either way its
 * row keeps the SHA-256 of every chunk, so each chunk read is checked. A release keeps its signed
 * SUIT envelope; model + version and model + sequence number are each unique.
 */
export function releases(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('payloads')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('blob_id', 'text', (c) => c.notNull())
        .addColumn('chunk_size', 'integer', (c) => c.notNull())
        .addColumn('chunk_digests', bytes, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('payload_chunks')
        .addColumn('blob_id', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('payload_chunks_pk', ['blob_id', 'n'])
        .execute();
      await db.schema
        .createTable('releases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('sequence_number', 'bigint', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('envelope', bytes, (c) => c.notNull())
        .addColumn('envelope_digest', 'text', (c) => c.notNull())
        .addColumn('envelope_size', 'bigint', (c) => c.notNull())
        .addColumn('sbom_ref', 'text')
        .addColumn('vendor_domain', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('releases_model_version', ['model', 'version'])
        .addUniqueConstraint('releases_model_sequence', ['model', 'sequence_number'])
        .execute();
    },
  };
}
