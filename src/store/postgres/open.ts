import { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { createSqlStore, type SqlStoreOptions } from '../sql/sql-store.ts';
import type { Store } from '../store.ts';
import { createPostgresDialect, type PostgresDialectOptions } from './dialect.ts';

/** Opens a PostgreSQL database by URL (postgres://user@host:port/db) and migrates it. */
export function openPostgresStore(url: string, options: SqlStoreOptions & PostgresDialectOptions): Promise<Store> {
  const db = new Kysely<Database>({ dialect: createPostgresDialect(url, options) });
  return createSqlStore(db, 'postgres', options, () => db.destroy());
}
