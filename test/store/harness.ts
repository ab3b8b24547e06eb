/**
 * How the contract suite reaches a backend: open stores on one database (as many replicas as it
 * likes), read raw rows behind the repositories' back, and clean up. One per dialect, same shape.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

export interface StoreHarness {
  /** Opens a store on this harness's database (a second call is a second replica, when `shared`). */
  open(kek: Uint8Array, clock?: () => Date): Promise<Store>;
  /** Whether two opens see the same database (false for ':memory:'). */
  shared: boolean;
  /** What openStore takes for this database, when another process can open it too. */
  location?: string;
  /** Runs SQL directly on the database, for looking at sealed columns and tampering with them. */
  raw?(sql: string): Promise<Record<string, unknown>[]>;
  destroy(): Promise<void>;
}

export function sqliteFileHarness(): StoreHarness {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-store-'));
  const path = join(dir, 'iotopia.db');
  return {
    shared: true,
    location: `sqlite:${path}`,
    open: (kek, clock) => openStore(`sqlite:${path}`, { kek, ...(clock === undefined ? {} : { clock }) }),
    async raw(sql) {
      const db = new DatabaseSync(path, { timeout: 5000 });
      try {
        const stmt = db.prepare(sql);
        if (stmt.columns().length > 0) return stmt.all() as Record<string, unknown>[];
        stmt.run();
        return [];
      } finally {
        db.close();
      }
    },
    async destroy() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sqliteMemoryHarness(): StoreHarness {
  return {
    shared: false,
    open: (kek, clock) => openStore(':memory:', { kek, ...(clock === undefined ? {} : { clock }) }),
    async destroy() {},
  };
}

/** A fresh database on the server `url` names, dropped at the end, so runs never collide. */
export async function postgresHarness(url: string): Promise<StoreHarness> {
  const name = `iotopia_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  return {
    shared: true,
    location: dbUrl,
    open: (kek, clock) => openStore(dbUrl, { kek, ...(clock === undefined ? {} : { clock }) }),
    async raw(sql) {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      try {
        return (await c.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await c.end();
      }
    },
    async destroy() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
