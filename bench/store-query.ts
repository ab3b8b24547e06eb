/**
 * One hot store query three ways: the session read by token hash (nine per onboarding) built by
 * Kysely at every call, run precompiled (src/store/sql/prepared-query.ts), and as a bare
 * node:sqlite statement. The three run in alternating rounds on one SQLite file holding 1000
 * sessions, so the machine's load falls on all alike; the medians per call and the median of the
 * per-round ratios are printed: `npm run bench -- store-query`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import type { Database } from '../src/store/schema.ts';
import { preparedQueries } from '../src/store/sql/prepared-queries.ts';
import { SELECT_SESSION } from '../src/store/sql/session-queries.ts';
import { writeCounts } from '../src/store/sql/write-counts.ts';
import { createSqliteDialect } from '../src/store/sqlite/dialect.ts';

export interface StoreQueryResult {
  query: string;
  /** Median microseconds per call, awaited one after the other. */
  perCallUs: { kysely: number; precompiled: number; nodeSqlite: number };
  /** Medians of the per-round ratios: Kysely over precompiled, precompiled over bare node:sqlite. */
  ratios: { kyselyOverPrecompiled: number; precompiledOverNodeSqlite: number };
  rounds: number;
}

const SESSIONS = 1000;
const BATCH = 200;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.floor(s.length / 2)] ?? 0).toFixed(3));
};

async function timeBatch(hashes: string[], call: (h: string) => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) await call(hashes[i % hashes.length] as string);
  return Number(process.hrtime.bigint() - t) / 1000 / BATCH;
}

export async function storeQueryBench(seconds: number): Promise<StoreQueryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-store-query-'));
  const path = join(dir, 'db.sqlite');
  const root = new Kysely<Database>({ dialect: createSqliteDialect(path) });
  const raw = new DatabaseSync(path);
  try {
    await migrateToLatest(root, 'sqlite');
    // As the store runs it: with its write-count plugin.
    const db = root.withPlugin(writeCounts().plugin);
    const hashes = Array.from({ length: SESSIONS }, () => randomBytes(32).toString('hex'));
    await db.transaction().execute(async (trx) => {
      for (const h of hashes) {
        const row = { token_hash: h, role: 'owner', protocol: 'to2', state: randomBytes(200), version: 1 };
        await trx
          .insertInto('sessions')
          .values({ ...row, expires_at: Date.now() + 60_000, created_at: Date.now(), updated_at: Date.now() })
          .execute();
      }
    });
    const prepared = preparedQueries(() => {});
    const stmt = raw.prepare('select * from "sessions" where "token_hash" = ?');
    const variants = {
      kysely: (h: string) => db.selectFrom('sessions').selectAll().where('token_hash', '=', h).executeTakeFirst(),
      precompiled: (h: string) => prepared.run(db, SELECT_SESSION, { tokenHash: h }),
      nodeSqlite: (h: string) => stmt.get(h),
    };
    const times = { kysely: [] as number[], precompiled: [] as number[], nodeSqlite: [] as number[] };
    const kOverP: number[] = [];
    const pOverN: number[] = [];
    for (let i = 0; i < 3; i++) for (const call of Object.values(variants)) await timeBatch(hashes, call);
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const k = await timeBatch(hashes, variants.kysely);
      const p = await timeBatch(hashes, variants.precompiled);
      const n = await timeBatch(hashes, variants.nodeSqlite);
      times.kysely.push(k);
      times.precompiled.push(p);
      times.nodeSqlite.push(n);
      kOverP.push(k / p);
      pOverN.push(p / n);
    }
    return {
      query: 'select * from "sessions" where "token_hash" = ?',
      perCallUs: { kysely: median(times.kysely), precompiled: median(times.precompiled), nodeSqlite: median(times.nodeSqlite) },
      ratios: { kyselyOverPrecompiled: median(kOverP), precompiledOverNodeSqlite: median(pOverN) },
      rounds: kOverP.length,
    };
  } finally {
    raw.close();
    await root.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
