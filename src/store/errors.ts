import { IotopiaError } from '../errors.ts';

/**
 * A storage failure the caller can act on; `code` is one of the storage codes in
 * docs/errors-store.md. Driver failures (connection lost, disk full) pass through unchanged as causes.
 */
export class StoreError extends IotopiaError {}

/** The database URL names no backend IoTopia has. */
export const ERR_STORE_URL = 'ERR_STORE_URL';
/** An optimistic update lost: another writer advanced the row first. */
export const ERR_STORE_CONFLICT = 'ERR_STORE_CONFLICT';
/** The row to update does not exist. */
export const ERR_STORE_NOT_FOUND = 'ERR_STORE_NOT_FOUND';
/** A row with that key exists already. */
export const ERR_STORE_DUPLICATE = 'ERR_STORE_DUPLICATE';
/** A sealed column does not open under the key-encryption key: wrong key, or altered bytes. */
export const ERR_STORE_DECRYPT = 'ERR_STORE_DECRYPT';
/** The key-encryption key is not the one this database was first opened with. */
export const ERR_STORE_KEK_MISMATCH = 'ERR_STORE_KEK_MISMATCH';
/** A pagination cursor that this store did not hand out. */
export const ERR_STORE_CURSOR = 'ERR_STORE_CURSOR';
