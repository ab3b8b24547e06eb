/** What every contract file shares: the keys, GUIDs, a movable clock, a store per test. */
import assert from 'node:assert/strict';
import { Kysely, Migrator } from 'kysely';
import { migrations } from '../../../src/store/migrations/migrate.ts';
import { createPostgresDialect } from '../../../src/store/postgres/dialect.ts';
import type { Database } from '../../../src/store/schema.ts';
import { createSqliteDialect } from '../../../src/store/sqlite/dialect.ts';
import type { Store } from '../../../src/store/store.ts';
import type { StoreHarness } from '../harness.ts';

export const KEK = new Uint8Array(32).fill(7);
export const OTHER_KEK = new Uint8Array(32).fill(9);

export const guid = (n: number): Uint8Array => {
  const g = new Uint8Array(16);
  g[15] = n;
  g[0] = 0xa0;
  return g;
};

export const hasCode = (code: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, code, `expected ${code}, got ${String(e)}`);
  return true;
};

/** A clock tests can move. */
export function movableClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms), now: () => now };
}

export type HarnessFactory = () => Promise<StoreHarness>;

/** A store on a fresh database of the harness, closed and dropped afterwards. */
export async function withStore(make: HarnessFactory, fn: (store: Store, h: StoreHarness) => Promise<void>, clock?: () => Date) {
  const h = await make();
  const store = await h.open(KEK, clock);
  try {
    await fn(store, h);
  } finally {
    await store.close();
    await h.destroy();
  }
}

/** Every page of a list, following `next`. */
export async function drain<T>(list: (after?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  do {
    const p = await list(after);
    pages.push(p.items);
    after = p.next;
  } while (after !== undefined);
  return pages;
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Brings the database at `location` (a harness's) to `migration` only, and hands `fill` a raw
 * connection to write rows as an older server would have; the connection closes afterwards.
 */
export async function atMigration(location: string, migration: string, fill: (db: Kysely<Database>) => Promise<void>): Promise<void> {
  const dialect = location.startsWith('postgres') ? 'postgres' : 'sqlite';
  const db = new Kysely<Database>({
    dialect: dialect === 'postgres' ? createPostgresDialect(location) : createSqliteDialect(location.slice('sqlite:'.length)),
  });
  try {
    const old = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
    assert.equal((await old.migrateTo(migration)).error, undefined);
    await fill(db);
  } finally {
    await db.destroy();
  }
}
