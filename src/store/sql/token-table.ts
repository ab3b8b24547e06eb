/**
 * Revoking a row of a bearer-secret table (api_tokens, di_tokens) by id: once; a second revoke keeps
 * the first time.
 */
import type { Kysely } from 'kysely';
import { ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { Database } from '../schema.ts';
import { affected } from './rows.ts';

export type TokenTable = 'api_tokens' | 'di_tokens';

/** Marks the token revoked now; a token revoked already stays as it was; an unknown id is ERR_STORE_NOT_FOUND. */
export async function revokeToken(db: Kysely<Database>, table: TokenTable, id: string, now: Date, what: string): Promise<void> {
  const r = await db
    .updateTable(table)
    .set({ revoked_at: now.getTime() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (affected(r) === 1) return;
  const exists = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (exists === undefined) throw new StoreError(ERR_STORE_NOT_FOUND, `no ${what} ${id}`);
}
