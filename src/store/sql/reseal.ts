import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { KEK_CHECK, KEK_CHECK_CONTEXT } from './kek-check.ts';

/**
 * Re-seals every sealed column from one key-encryption key to another, inside the caller's
 * transaction. Session versions are bumped, so a replica still holding the old key loses its next
 * session update (`update` resolves false) instead of writing a value nobody can open.
 */
export async function resealAll(trx: Kysely<Database>, from: SecretBox, to: SecretBox): Promise<void> {
  const keys = await trx.selectFrom('keys').select(['name', 'private_key']).where('private_key', 'is not', null).execute();
  for (const k of keys) {
    const context = `keys.private_key:${k.name}`;
    const sealed = to.seal(from.open(k.private_key as Uint8Array, context), context);
    await trx.updateTable('keys').set({ private_key: sealed }).where('name', '=', k.name).execute();
  }
  const sessions = await trx.selectFrom('sessions').select(['token_hash', 'state', 'version']).execute();
  for (const s of sessions) {
    const context = `sessions.state:${s.token_hash}`;
    const sealed = to.seal(from.open(s.state, context), context);
    await trx
      .updateTable('sessions')
      .set({ state: sealed, version: Number(s.version) + 1 })
      .where('token_hash', '=', s.token_hash)
      .execute();
  }
  await trx
    .updateTable('store_meta')
    .set({
      value: to.seal(
        from.open(
          (await trx.selectFrom('store_meta').select('value').where('name', '=', KEK_CHECK).executeTakeFirstOrThrow()).value,
          KEK_CHECK_CONTEXT,
        ),
        KEK_CHECK_CONTEXT,
      ),
    })
    .where('name', '=', KEK_CHECK)
    .execute();
}
