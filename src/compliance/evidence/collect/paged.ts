/** Reading a keyset-paginated list item by item, and keeping a few examples. */
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

/** Adds `item` to `list` while it has fewer than `max`. */
export function keep<T>(list: T[], item: T, max: number): void {
  if (list.length < max) list.push(item);
}
