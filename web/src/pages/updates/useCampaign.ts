/** One campaign with its progress per wave, polled so that the chart follows the devices. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Campaign } from './types.ts';

export const CAMPAIGN_POLL_MS = 2500;

export function useCampaign(id: string) {
  return useQuery({
    queryKey: ['/campaigns', id],
    queryFn: ({ signal }) => api<Campaign>(`/campaigns/${id}`, { signal }),
    refetchInterval: CAMPAIGN_POLL_MS,
  });
}
