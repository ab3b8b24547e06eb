import { ERR_STORE_URL, StoreError } from './errors.ts';
import { openPostgresStore } from './postgres/open.ts';
import type { SqlStoreOptions } from './sql/sql-store.ts';
import { openSqliteStore } from './sqlite/open.ts';
import type { Store } from './store.ts';

export type StoreLocation = string | { path: string } | { url: string };
export type OpenStoreOptions = SqlStoreOptions;

/**
 * Opens the store a location names and brings its schema up to date:
 * `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite:PATH`, `:memory:`, a file path or
 * `{ path }` → SQLite. Any other URL scheme is ERR_STORE_URL.
 */
export function openStore(location: StoreLocation, options: OpenStoreOptions): Promise<Store> {
  if (typeof location === 'object' && location !== null && 'path' in location) return openSqliteStore(location.path, options);
  const url = typeof location === 'object' && location !== null ? location.url : location;
  if (typeof url !== 'string' || url.length === 0) throw new TypeError('openStore needs a database URL or { path }');
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgresStore(url, options);
  if (/^sqlite:/i.test(url)) return openSqliteStore(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''), options);
  if (url === ':memory:') return openSqliteStore(url, options);
  // A scheme-like prefix (two or more letters then ':') that is not one of ours; one letter is a Windows drive.
  if (/^[a-z][a-z0-9+.-]+:/i.test(url)) {
    return Promise.reject(new StoreError(ERR_STORE_URL, `unsupported database URL scheme in ${url.replace(/\/\/[^@/]*@/, '//…@')}`));
  }
  return openSqliteStore(url, options);
}
