/** Kysely's PostgresDialect over a pg Pool. */
import { PostgresDialect } from 'kysely';
import pg from 'pg';

export interface PostgresDialectOptions {
  /** Connections per process; each replica has its own pool. */
  maxConnections?: number;
}

export function createPostgresDialect(url: string, options: PostgresDialectOptions = {}): PostgresDialect {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client that loses its server emits 'error' on the pool; unhandled it would end the
  // process. The pool drops that client and the next query reports any lasting failure.
  pool.on('error', () => {});
  return new PostgresDialect({ pool });
}
