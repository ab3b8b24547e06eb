import type { PagedList } from './usePagedList.ts';

export function Pager({ list, label }: { list: PagedList<unknown>; label: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="secondary" disabled={!list.hasPrevious} onClick={list.previous}>
        Previous
      </button>
      <span aria-live="polite">Page {list.page}</span>
      <button type="button" className="secondary" disabled={!list.hasNext} onClick={list.next}>
        Next
      </button>
    </nav>
  );
}
