/** Reading a keyset-paginated list item by item, and walking two GUID-ordered lists side by side. */
import type { Page } from '../../../store/page.ts';

/** The largest page the store gives (MAX_PAGE_LIMIT): one query per thousand rows. */
export const PAGE = 1000;

/** Every item of a paginated list, one page read at a time. */
export async function* allItems<T>(read: (after: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const page = await read(after);
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

/**
 * A lookup into a list sorted by `key`, asked for rising keys only: each call moves forward to the
 * key and returns the item with exactly that key, if any. Two lists ordered by GUID are joined
 * this way without a query per item.
 */
export function ascendingLookup<T>(items: AsyncIterator<T>, key: (t: T) => string): (k: string) => Promise<T | undefined> {
  let head: T | undefined;
  let started = false;
  let done = false;
  const advance = async () => {
    const r = await items.next();
    done = r.done === true;
    head = r.done === true ? undefined : r.value;
  };
  return async (k) => {
    if (!started) {
      started = true;
      await advance();
    }
    while (!done && head !== undefined && key(head) < k) await advance();
    return head !== undefined && key(head) === k ? head : undefined;
  };
}

/** Adds `item` to `list` while it has fewer than `max`. */
export function keep<T>(list: T[], item: T, max: number): void {
  if (list.length < max) list.push(item);
}
