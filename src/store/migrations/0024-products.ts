import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * The compliance pillar's products and what is known about their software. A product is keyed by
 * its model (the string releases and devices carry) and kept as a JSON document beside the columns
 * lists read. `product_releases` are releases the maker declared (lifecycle releases live in
 * `releases`). An SBOM is one per (model, version): its bytes as imported and its components, one
 * row each, for querying. OSV records are kept whole; `osv_packages` indexes each record by the
 * (ecosystem, name) of the packages it affects, so matching a release reads only candidates. VEX
 * statements keep the document they came from, its author and who imported them when.
 */
export function products(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('products')
        .addColumn('model', 'text', (c) => c.primaryKey())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('support_end', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('product_releases')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('product_releases_pk', ['model', 'version'])
        .execute();
      await db.schema
        .createTable('sbom_documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        .addColumn('serial', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('sbom_documents_release', ['model', 'version'])
        .execute();
      await db.schema
        .createTable('sbom_components')
        .addColumn('sbom_id', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('purl', 'text')
        .addColumn('supplier', 'text')
        .addColumn('licenses', 'text')
        .addPrimaryKeyConstraint('sbom_components_pk', ['sbom_id', 'n'])
        .execute();
      await db.schema
        .createTable('osv_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('modified', 'text', (c) => c.notNull())
        .addColumn('published', 'text')
        .addColumn('withdrawn', 'text')
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('osv_packages')
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('osv_packages_pk', ['ecosystem', 'name', 'id'])
        .execute();
      await db.schema.createIndex('osv_packages_by_name').on('osv_packages').columns(['name']).execute();
      await db.schema.createIndex('osv_packages_by_id').on('osv_packages').columns(['id']).execute();
      await db.schema
        .createTable('vex_statements')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('vulnerability', 'text', (c) => c.notNull())
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('author', 'text')
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('vex_statements_by_vulnerability')
        .on('vex_statements')
        .columns(['vulnerability', 'imported_at'])
        .execute();
    },
  };
}
