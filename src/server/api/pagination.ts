/** List paging in the management API: `limit` and `cursor` in, `{ items, next }` out. */

import { ERR_STORE_CURSOR, StoreError } from '../../store/errors.ts';
import { MAX_PAGE_LIMIT, type PageRequest } from '../../store/page.ts';
import { invalidField } from './problem.ts';

export function pageRequest(query: Record<string, unknown>): PageRequest {
  const page: PageRequest = {};
  if (query.limit !== undefined) {
    const n = Number(query.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_LIMIT) throw invalidField('limit', `an integer from 1 to ${MAX_PAGE_LIMIT}`);
    page.limit = n;
  }
  if (query.cursor !== undefined) {
    if (typeof query.cursor !== 'string' || query.cursor === '') throw invalidField('cursor', 'the `next` value of the previous page');
    page.after = query.cursor;
  }
  return page;
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
