/** Conversions between rows and records, the same for both dialects. */
import { ERR_STORE_CURSOR, StoreError } from '../errors.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type PageRequest } from '../page.ts';

export const guidHex = (guid: Uint8Array): string => {
  if (!(guid instanceof Uint8Array) || guid.length !== 16) throw new TypeError('a GUID is 16 bytes');
  return Buffer.from(guid).toString('hex');
};

export const guidBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** pg gives Buffers: copy into plain Uint8Arrays, which CBOR encoders treat as byte strings. */
export const bytes = (b: Uint8Array): Uint8Array => new Uint8Array(b);

/** PostgreSQL returns bigint columns as strings. */
export const millis = (v: number | string | bigint): number => Number(v);

export const date = (v: number | string | bigint): Date => new Date(Number(v));

export const optionalDate = (v: number | string | bigint | null): Date | undefined => (v === null ? undefined : date(v));

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) throw new TypeError(`page limit must be 1..${MAX_PAGE_LIMIT}`);
  return limit;
}

export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw new StoreError(ERR_STORE_CURSOR, 'malformed page cursor');
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** Fetch limit + 1 rows; the extra one only tells whether a next page exists. */
export function paged<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => string): { items: T[]; next?: string } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return more && last !== undefined ? { items: kept.map(map), next: encodeCursor(key(last)) } : { items: kept.map(map) };
}

/** Rows a write touched, from either driver's result. */
export function affected(r: { numUpdatedRows?: bigint; numDeletedRows?: bigint; numInsertedOrUpdatedRows?: bigint }): number {
  return Number(r.numUpdatedRows ?? r.numDeletedRows ?? r.numInsertedOrUpdatedRows ?? 0n);
}
