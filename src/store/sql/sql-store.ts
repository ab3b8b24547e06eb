import type { Kysely } from 'kysely';
import { ERR_STORE_DECRYPT, ERR_STORE_KEK_MISMATCH, StoreError } from '../errors.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import type { Database, Dialect } from '../schema.ts';
import { createSecretBox } from '../secret-box.ts';
import type { Repositories, Store } from '../store.ts';
import { sqlApiTokenRepository } from './api-token-repository.ts';
import { sqlAuditLog } from './audit-log.ts';
import type { SqlContext } from './context.ts';
import { sqlDeviceRepository } from './device-repository.ts';
import { sqlKeyRepository } from './key-repository.ts';
import { sqlRendezvousRepository } from './rendezvous-repository.ts';
import { sqlSessionRepository } from './session-repository.ts';
import { sqlVoucherRepository } from './voucher-repository.ts';

export interface SqlStoreOptions {
  /** The key-encryption key for sealed columns, 32 bytes. */
  kek: Uint8Array;
  clock?: () => Date;
}

function repositories(ctx: SqlContext): Repositories {
  return {
    vouchers: sqlVoucherRepository(ctx),
    devices: sqlDeviceRepository(ctx),
    sessions: sqlSessionRepository(ctx),
    rendezvous: sqlRendezvousRepository(ctx),
    keys: sqlKeyRepository(ctx),
    audit: sqlAuditLog(ctx),
    apiTokens: sqlApiTokenRepository(ctx),
  };
}

const KEK_CHECK = 'kek-check';
const KEK_CHECK_CONTEXT = 'store_meta.value:kek-check';

/**
 * The first open seals a marker; every later open must open it. A wrong key then fails at start
 * instead of at the first secret read, and never seals new rows no other replica can read.
 */
async function checkKek(ctx: SqlContext): Promise<void> {
  await ctx.db
    .insertInto('store_meta')
    .values({ name: KEK_CHECK, value: ctx.box.seal(Buffer.from('IoTopia'), KEK_CHECK_CONTEXT) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await ctx.db.selectFrom('store_meta').select('value').where('name', '=', KEK_CHECK).executeTakeFirstOrThrow();
  try {
    ctx.box.open(row.value, KEK_CHECK_CONTEXT);
  } catch (e) {
    if (e instanceof StoreError && e.code === ERR_STORE_DECRYPT) {
      throw new StoreError(ERR_STORE_KEK_MISMATCH, 'the key-encryption key is not the one this database was created with');
    }
    throw e;
  }
}

/**
 * A Store over a Kysely handle of either dialect: migrates, checks the KEK, builds the repositories.
 * `release` gives the handle back when the store closes (or fails to open).
 */
export async function createSqlStore(
  db: Kysely<Database>,
  dialect: Dialect,
  options: SqlStoreOptions,
  release: () => Promise<void>,
): Promise<Store> {
  let ctx: SqlContext;
  try {
    ctx = { db, dialect, box: createSecretBox(options?.kek), clock: options.clock ?? (() => new Date()) };
    await migrateToLatest(db, dialect);
    await checkKek(ctx);
  } catch (e) {
    await release();
    throw e;
  }
  return {
    dialect,
    ...repositories(ctx),
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories({ ...ctx, db: trx }))),
    migrate: () => migrateToLatest(db, dialect),
    close: release,
  };
}
