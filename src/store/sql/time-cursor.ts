/**
 * Keyset paging over (at, id) for lists ordered by time: the cursor carries the last row's time
 * and id, so rows written meanwhile neither repeat nor vanish between pages.
 */
import { ERR_STORE_CURSOR, StoreError } from '../errors.ts';
import { decodeCursor } from './rows.ts';

export interface TimeKey {
  at: number;
  id: string;
}

export const timeKey = (r: { at: number | string; id: string }): string => `${Number(r.at)}:${r.id}`;

export function decodeTimeCursor(cursor: string | undefined): TimeKey | undefined {
  const raw = decodeCursor(cursor);
  if (raw === undefined) return undefined;
  const m = /^(\d{1,16}):(.+)$/s.exec(raw);
  if (m === null) throw new StoreError(ERR_STORE_CURSOR, 'malformed page cursor');
  return { at: Number(m[1]), id: m[2] as string };
}
