import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { openStore } from '../../src/store/open-store.ts';
import type { Database } from '../../src/store/schema.ts';
import { runFenced } from '../../src/store/session-fence.ts';
import { createSqliteDialect } from '../../src/store/sqlite/dialect.ts';
import { durabilityOf } from '../../src/store/sqlite/durability.ts';

// SQLite's PRAGMA synchronous: 1 = NORMAL, 2 = FULL.
const level = async (db: Kysely<Database>) => (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]?.synchronous;

test('statements are classified by their SQL: transactions and writes wait for the disk, session writes do not', () => {
  assert.equal(durabilityOf('begin'), 'begin');
  assert.equal(durabilityOf('commit'), 'end');
  assert.equal(durabilityOf('rollback'), 'end');
  assert.equal(durabilityOf('insert into "vouchers" ("side") values (?)'), 'durable-write');
  assert.equal(durabilityOf('update "devices" set "state" = ?'), 'durable-write');
  assert.equal(durabilityOf('delete from "sessions_archive" where 1'), 'durable-write');
  assert.equal(durabilityOf('insert into "sessions" ("token_hash") values (?)'), 'as-is');
  assert.equal(durabilityOf('update "sessions" set "state" = ?'), 'as-is');
  assert.equal(durabilityOf('delete from "sessions" where "token_hash" = ?'), 'as-is');
  assert.equal(durabilityOf('delete from "sessions"'), 'as-is');
  assert.equal(durabilityOf('select * from "vouchers"'), 'as-is');
});

/** Records every change of the synchronous pragma, with whether a transaction was open. */
function watch() {
  const switches: { sql: string; inTransaction: boolean }[] = [];
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: DatabaseSync, text: string) {
    if (/synchronous/i.test(text)) switches.push({ sql: text, inTransaction: this.isTransaction });
    return exec.call(this, text);
  };
  return {
    switches,
    restore() {
      DatabaseSync.prototype.exec = exec;
    },
  };
}

test('on SQLite a transaction and a write outside one run with FULL, a session write with NORMAL; the pragma never changes inside a transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-durability-'));
  const db = new Kysely<Database>({ dialect: createSqliteDialect(join(dir, 'db.sqlite')) });
  try {
    await sql`create table "sessions" (k text)`.execute(db);
    await sql`create table "vouchers" (k text)`.execute(db);
    await sql`create table "probe" (level integer)`.execute(db);
    assert.equal(await level(db), 1, 'NORMAL between statements');
    const w = watch();
    try {
      // The level seen inside: a transaction records it with its own writes.
      const inside = await db.transaction().execute(async (trx) => {
        await sql`insert into "vouchers" values ('a')`.execute(trx);
        return level(trx);
      });
      assert.equal(inside, 2);
      assert.equal(await level(db), 1);
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await sql`insert into "vouchers" values ('b')`.execute(trx);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await level(db), 1, 'NORMAL again after a rollback');
      await sql`insert into "sessions" values ('s')`.execute(db);
      await sql`update "sessions" set k = 't'`.execute(db);
      await sql`delete from "sessions"`.execute(db);
      await sql`insert into "vouchers" values ('c')`.execute(db);
      assert.equal(await level(db), 1);
    } finally {
      w.restore();
    }
    assert.ok(w.switches.length > 0);
    assert.ok(
      w.switches.every((s) => !s.inTransaction),
      'no pragma inside a transaction',
    );
    // Two transactions and one plain voucher write: each switches to FULL and back; session writes switch nothing.
    assert.deepEqual(
      w.switches.map((s) => s.sql),
      Array(3).fill(['PRAGMA synchronous = FULL', 'PRAGMA synchronous = NORMAL']).flat(),
    );
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store on SQLite: its precompiled session writes switch nothing, its other writes and a fenced transaction switch to FULL and back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-durability-'));
  const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`, { kek: new Uint8Array(32).fill(7) });
  const expiresAt = new Date(Date.now() + 60_000);
  const guid = new Uint8Array(16).fill(1);
  const w = watch();
  const step = async (fn: () => Promise<unknown>) => {
    w.switches.length = 0;
    await fn();
    assert.ok(
      w.switches.every((s) => !s.inTransaction),
      'no pragma inside a transaction',
    );
    return w.switches.map((s) => s.sql);
  };
  const fullAndBack = ['PRAGMA synchronous = FULL', 'PRAGMA synchronous = NORMAL'];
  try {
    const session = async () => {
      await store.sessions.create('t', { role: 'owner', protocol: 'to2', state: {}, expiresAt });
      await store.sessions.get('t');
      await store.sessions.update('t', 1, { n: 1 }, expiresAt);
      await store.sessions.advance('t', 2);
      await store.sessions.countOpen('to2', new Date());
    };
    assert.deepEqual(await step(session), []);
    assert.deepEqual(
      await step(() => store.vouchers.put({ side: 'owner', guid, voucher: Uint8Array.of(1), state: 'imported' })),
      fullAndBack,
    );
    assert.deepEqual(await step(() => store.devices.upsert({ guid, state: 'owned' })), fullAndBack);
    assert.deepEqual(await step(() => store.audit.append({ actor: 'a', action: 'b', subject: 'c' })), fullAndBack);
    // A transaction of a session message advances the session first, inside the transaction.
    const fenced = () =>
      runFenced({ sessions: store.sessions, token: 't', version: 3 }, () =>
        store.transaction((r) => r.audit.append({ actor: 'a', action: 'b', subject: 'c' })),
      );
    assert.deepEqual(await step(fenced), fullAndBack);
    assert.equal((await store.sessions.get('t'))?.version, 4);
    assert.deepEqual(await step(() => store.sessions.delete('t', 4)), []);
  } finally {
    w.restore();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Store.unsynced: on SQLite a write outside a transaction in its work does not switch to FULL, a transaction in it still does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-durability-unsynced-'));
  const store = await openStore({ path: join(dir, 'db.sqlite') }, { kek: new Uint8Array(32).fill(7) });
  const w = watch();
  try {
    const guid = new Uint8Array(16).fill(1);
    await store.unsynced(() => store.deviceCredentials.create({ guid, tokenHash: 'a'.repeat(64), active: false }));
    assert.equal(w.switches.length, 0, 'the write ran at NORMAL');
    await store.unsynced(() => store.transaction((r) => r.deviceCredentials.create({ guid, tokenHash: 'b'.repeat(64), active: false })));
    assert.deepEqual(
      w.switches.map((s) => s.sql),
      ['PRAGMA synchronous = FULL', 'PRAGMA synchronous = NORMAL'],
      'the transaction committed at FULL',
    );
    await store.deviceCredentials.create({ guid, tokenHash: 'c'.repeat(64), active: false });
    assert.equal(w.switches.length, 4, 'outside unsynced, a write on its own is durable again');
    assert.equal((await store.deviceCredentials.listForDevice(guid)).length, 3);
  } finally {
    w.restore();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
