/** Keyset pagination: `after` is the `next` cursor of the previous page, opaque to callers. */
export interface PageRequest {
  /** At most this many items (1..1000, default 100). */
  limit?: number;
  after?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when more items may follow. */
  next?: string;
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;
