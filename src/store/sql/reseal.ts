import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { KEK_CHECK, KEK_CHECK_CONTEXT, keyPrivateKeyContext, sessionStateContext, settingValueContext } from './seal-contexts.ts';
import { isSealedState } from './session-state.ts';

/**
 * Re-seals every sealed column from one key-encryption key to another, inside the caller's
 * transaction. Session versions are bumped, so a replica still holding the old key loses its next
 * session update (`update` resolves false) instead of writing a value nobody can open.
 */
export async function resealAll(trx: Kysely<Database>, from: SecretBox, to: SecretBox): Promise<void> {
  const reseal = (sealed: Uint8Array, context: string) => to.seal(from.open(sealed, context), context);
  const keys = await trx.selectFrom('keys').select(['name', 'private_key']).where('private_key', 'is not', null).execute();
  for (const k of keys) {
    const privateKey = reseal(k.private_key as Uint8Array, keyPrivateKeyContext(k.name));
    await trx.updateTable('keys').set({ private_key: privateKey }).where('name', '=', k.name).execute();
  }
  const sessions = await trx.selectFrom('sessions').select(['token_hash', 'state', 'version']).execute();
  for (const s of sessions) {
    if (!isSealedState(s.state)) continue;
    const state = reseal(s.state, sessionStateContext(s.token_hash));
    await trx
      .updateTable('sessions')
      .set({ state, version: Number(s.version) + 1 })
      .where('token_hash', '=', s.token_hash)
      .execute();
  }
  const settings = await trx.selectFrom('settings').select(['scope', 'key', 'value']).where('sealed', '=', 1).execute();
  for (const s of settings) {
    const value = Buffer.from(reseal(Buffer.from(s.value, 'base64'), settingValueContext(s.scope, s.key))).toString('base64');
    await trx.updateTable('settings').set({ value }).where('scope', '=', s.scope).where('key', '=', s.key).execute();
  }
  const check = await trx.selectFrom('store_meta').select('value').where('name', '=', KEK_CHECK).executeTakeFirstOrThrow();
  await trx
    .updateTable('store_meta')
    .set({ value: reseal(check.value, KEK_CHECK_CONTEXT) })
    .where('name', '=', KEK_CHECK)
    .execute();
}
