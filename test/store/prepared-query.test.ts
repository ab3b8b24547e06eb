import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Database } from '../../src/store/schema.ts';
import { INSERT_AUDIT_RECORD } from '../../src/store/sql/audit-log.ts';
import { SELECT_DEVICE_WITH_LABELS, UPSERT_DEVICE } from '../../src/store/sql/device-queries.ts';
import { preparedQueries } from '../../src/store/sql/prepared-queries.ts';
import { bindPlan, type PreparedQuery, planQuery, preparedQuery } from '../../src/store/sql/prepared-query.ts';
import { SELECT_REGISTRATION } from '../../src/store/sql/rendezvous-repository.ts';
import {
  ADVANCE_SESSION,
  COUNT_OPEN_SESSIONS,
  DELETE_SESSION,
  DELETE_SESSION_AT,
  INSERT_SESSION,
  SELECT_SESSION,
  UPDATE_SESSION,
} from '../../src/store/sql/session-queries.ts';
import {
  SELECT_VOUCHER,
  UPDATE_VOUCHER_REGISTERED_UNTIL,
  UPDATE_VOUCHER_STATE_FROM,
  UPSERT_VOUCHER,
} from '../../src/store/sql/voucher-queries.ts';
import type { CountedTable } from '../../src/store/store.ts';

/** Kysely handles that compile (and run nothing) in each dialect. */
const dialects = {
  sqlite: new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

const hash = 'ab'.repeat(32);
const guid = '0a'.repeat(16);
const bytes = Uint8Array.of(1, 2, 3);

/** Every precompiled query with values for its parameters. */
const cases: [string, PreparedQuery<never, unknown>, Record<string, unknown>][] = [
  ['insert session', INSERT_SESSION, { tokenHash: hash, role: 'owner', protocol: 'to2', state: bytes, expiresAt: 9, now: 5 }],
  ['select session', SELECT_SESSION, { tokenHash: hash }],
  ['update session', UPDATE_SESSION, { tokenHash: hash, expectedVersion: 3, nextVersion: 4, state: bytes, expiresAt: 9, now: 5 }],
  ['advance session', ADVANCE_SESSION, { tokenHash: hash, expectedVersion: 3, nextVersion: 4 }],
  ['delete session', DELETE_SESSION, { tokenHash: hash }],
  ['delete session at a version', DELETE_SESSION_AT, { tokenHash: hash, expectedVersion: 3 }],
  ['count open sessions', COUNT_OPEN_SESSIONS, { protocol: 'to2', now: 5 }],
  ['select voucher', SELECT_VOUCHER, { side: 'owner', guid }],
  [
    'upsert voucher',
    UPSERT_VOUCHER,
    { side: 'owner', guid, voucher: bytes, state: 'imported', now: 5, diAuthorisedBy: null, deviceInfo: 'lamp' },
  ],
  ['move voucher state', UPDATE_VOUCHER_STATE_FROM, { side: 'owner', guid, state: 'registered', now: 5, expected: 'imported' }],
  ['set registered until', UPDATE_VOUCHER_REGISTERED_UNTIL, { side: 'owner', guid, until: 9, now: 5 }],
  ['append audit record', INSERT_AUDIT_RECORD, { at: 5, actor: 'a', action: 'b', subject: 'c', details: '{}' }],
  ['select registration', SELECT_REGISTRATION, { guid }],
  ['select device with labels', SELECT_DEVICE_WITH_LABELS, { guid }],
  ['upsert device', UPSERT_DEVICE, { guid, state: 'owned', now: 5, activatedAt: null }],
];

test('a precompiled query binds to the SQL and parameters the builder makes with the same values, in both dialects', () => {
  for (const [dialect, db] of Object.entries(dialects)) {
    for (const [name, query, values] of cases) {
      const direct = query.build(db, values as never).compile();
      const bound = bindPlan(planQuery(db, query), values);
      assert.equal(bound.sql, direct.sql, `${dialect}: ${name}`);
      assert.deepEqual(bound.parameters, direct.parameters, `${dialect}: ${name}`);
    }
  }
  // One plan, bound twice, keeps each binding's own values.
  const plan = planQuery(dialects.postgres, UPSERT_VOUCHER);
  const a = bindPlan(plan, {
    side: 'owner',
    guid,
    voucher: bytes,
    state: 'imported',
    now: 1,
    diAuthorisedBy: 'factory',
    deviceInfo: 'lamp',
  });
  const b = bindPlan(plan, {
    side: 'manufacturer',
    guid,
    voucher: bytes,
    state: 'created',
    now: 2,
    diAuthorisedBy: null,
    deviceInfo: null,
  });
  assert.notDeepEqual(a.parameters, b.parameters);
  assert.equal(a.sql, b.sql);
});

test('a definition that computes with a parameter, or reads one it does not place, fails when planned; an undefined value fails when bound', () => {
  const db = dialects.sqlite;
  const computes = preparedQuery((d, p: { version: number }) => d.updateTable('sessions').set({ version: p.version + 1 }));
  assert.throws(() => planQuery(db, computes), TypeError);
  const inspects = preparedQuery((d, p: { guid: string; state: string }) =>
    d
      .selectFrom('devices')
      .selectAll()
      .where('guid', '=', p.state ? p.guid : 'x'),
  );
  assert.throws(() => planQuery(db, inspects), /"state" was read but is not a value/);
  assert.throws(() => bindPlan(planQuery(db, SELECT_SESSION), { tokenHash: undefined }), /"tokenHash" is undefined/);
  // A constant of the definition stays in place.
  const constant = preparedQuery((d, p: { guid: string }) => d.selectFrom('devices').selectAll().where('guid', '=', p.guid).limit(2));
  assert.deepEqual(bindPlan(planQuery(db, constant), { guid }).parameters, [guid, 2]);
});

test('a precompiled write to a counted table is counted before and after it, as the write-count plugin counts; other queries are not', async () => {
  const counted: CountedTable[] = [];
  const prepared = preparedQueries((t) => counted.push(t));
  const db = dialects.sqlite;
  await prepared.run(db, UPSERT_DEVICE, { guid, state: 'owned', now: 5, activatedAt: null });
  assert.deepEqual(counted, ['devices', 'devices']);
  await prepared.run(db, SELECT_DEVICE_WITH_LABELS, { guid });
  await prepared.run(db, UPDATE_SESSION, { tokenHash: hash, expectedVersion: 3, nextVersion: 4, state: bytes, expiresAt: 9, now: 5 });
  // A sighting (last seen only) is no change to count.
  const sighting = preparedQuery((d, p: { guid: string; at: number }) =>
    d.updateTable('devices').set({ last_seen_at: p.at }).where('guid', '=', p.guid),
  );
  await prepared.run(db, sighting, { guid, at: 5 });
  assert.deepEqual(counted, ['devices', 'devices']);
});
