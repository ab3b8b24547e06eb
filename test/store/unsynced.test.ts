import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/schema.ts';
import { unsynced } from '../../src/store/sql/unsynced.ts';
import { createSqliteDialect } from '../../src/store/sqlite/dialect.ts';

// SQLite's PRAGMA synchronous: 1 = NORMAL, 2 = FULL.
const level = async (db: Kysely<Database>) => (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]?.synchronous;

test('a session write on SQLite runs with synchronous NORMAL, and FULL is back afterwards, also when it throws', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-unsynced-'));
  const db = new Kysely<Database>({ dialect: createSqliteDialect(join(dir, 'db.sqlite')) });
  try {
    assert.equal(await level(db), 2);
    assert.equal(await unsynced(db, 'sqlite', (c) => level(c)), 1);
    assert.equal(await level(db), 2);
    await assert.rejects(
      unsynced(db, 'sqlite', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await level(db), 2);
    // Inside a transaction the write belongs with the others and keeps their setting.
    assert.equal(await db.transaction().execute((trx) => unsynced(trx, 'sqlite', (c) => level(c))), 2);
    // Other dialects are left alone.
    assert.equal(await unsynced(db, 'postgres', (c) => level(c)), 2);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
