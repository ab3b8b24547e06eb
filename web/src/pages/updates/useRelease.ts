/** One release by id (`GET /releases/{id}`), kept a while: a release's model and version do not change. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Release } from './types.ts';

export function useRelease(id: string | undefined) {
  return useQuery({
    queryKey: ['/releases', id],
    queryFn: ({ signal }) => api<Release>(`/releases/${id}`, { signal }),
    enabled: id !== undefined,
    staleTime: 60_000,
  });
}
