/**
 * A server-paged list: the API answers `{ items, next }`, so moving forward passes `next` back as
 * `cursor`, and moving back pops the cursors already used. Filters reset the position.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page, type Query, withQuery } from '../api/client.ts';

export interface PagedList<T> {
  items: T[];
  isLoading: boolean;
  error: unknown;
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next(): void;
  previous(): void;
  reset(): void;
}

export function usePagedList<T>(path: string, query: Query, o: { pageSize?: number; refetchMs?: number } = {}): PagedList<T> {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const q = { ...query, limit: o.pageSize ?? 50, cursor };
  const result = useQuery({
    queryKey: [path, q],
    queryFn: ({ signal }) => api<Page<T>>(withQuery(path, q), { signal }),
    placeholderData: keepPreviousData,
    ...(o.refetchMs === undefined ? {} : { refetchInterval: o.refetchMs }),
  });
  const nextCursor = result.data?.next;
  return {
    items: result.data?.items ?? [],
    isLoading: result.isLoading,
    error: result.error,
    page: cursors.length + 1,
    hasNext: nextCursor !== undefined,
    hasPrevious: cursors.length > 0,
    next: () => nextCursor !== undefined && setCursors((c) => [...c, nextCursor]),
    previous: () => setCursors((c) => c.slice(0, -1)),
    reset: () => setCursors([]),
  };
}
