import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import type { PreparedQueries } from './prepared-queries.ts';
import type { SettingsCache } from './settings-cache.ts';

/** What every SQL repository is built from: a Kysely handle (the database or one transaction). */
export interface SqlContext {
  db: Kysely<Database>;
  dialect: Dialect;
  box: SecretBox;
  clock: () => Date;
  /** The store's precompiled hot queries, run on `db`. */
  prepared: PreparedQueries;
  /** The store's settings kept in memory, shared by its repositories and its transactions'. */
  settingsCache: SettingsCache;
}
