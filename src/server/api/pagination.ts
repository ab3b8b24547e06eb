/** List paging in the management API: `limit` and `cursor` in, `{ items, next }` out. */

import { ERR_STORE_CURSOR, StoreError } from '../../store/errors.ts';
import type { PageRequest } from '../../store/page.ts';
import { invalidField } from './problem.ts';

/** The page a checked query (see `pageQuery`) asks for. */
export function pageRequest(query: { limit?: number; cursor?: string }): PageRequest {
  return {
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.cursor === undefined ? {} : { after: query.cursor }),
  };
}

/** A cursor the store did not hand out is the client's mistake, named as such. */
export async function withCursorCheck<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (e) {
    if (e instanceof StoreError && e.code === ERR_STORE_CURSOR) throw invalidField('cursor', 'not a cursor this server handed out');
    throw e;
  }
}
