import { ERR_STORE_DECRYPT, ERR_STORE_KEK_MISMATCH, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { KEK_CHECK, KEK_CHECK_CONTEXT } from './seal-contexts.ts';

/**
 * The first open seals a marker; every later open must open it. A wrong key then fails at start
 * instead of at the first secret read, and never seals new rows no other replica can read.
 */
export async function checkKek(ctx: SqlContext): Promise<void> {
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
