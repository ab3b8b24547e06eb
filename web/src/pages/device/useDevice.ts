/** The device and the state changes offered for it, polled so that changes show without a reload. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { DeviceView, StateOptions } from './types.ts';

export const POLL_MS = 5000;

export const deviceKey = (guid: string) => ['device', guid];

export function useDevice(guid: string) {
  return useQuery({
    queryKey: [...deviceKey(guid), 'view'],
    queryFn: ({ signal }) => api<DeviceView>(`/devices/${encodeURIComponent(guid)}`, { signal }),
    refetchInterval: POLL_MS,
  });
}

export function useStateOptions(guid: string) {
  return useQuery({
    queryKey: [...deviceKey(guid), 'state-options'],
    queryFn: ({ signal }) => api<StateOptions>(`/devices/${encodeURIComponent(guid)}/state-options`, { signal }),
    refetchInterval: POLL_MS,
  });
}
