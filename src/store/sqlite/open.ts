import { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { createSqlStore, type SqlStoreOptions } from '../sql/sql-store.ts';
import type { Store } from '../store.ts';
import { createSqliteDialect } from './dialect.ts';

/** Opens (creating if needed) a SQLite database file, or ':memory:', and migrates it. */
export function openSqliteStore(path: string, options: SqlStoreOptions): Promise<Store> {
  return createSqlStore(new Kysely<Database>({ dialect: createSqliteDialect(path) }), 'sqlite', options);
}
