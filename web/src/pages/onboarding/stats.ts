/** The onboarding figures (`GET /api/v1/stats/onboarding`), counted by the server and polled every 5 s. */
import { useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../api/client.ts';

export interface OnboardingStats {
  at: string;
  vouchers: { manufacturer: Record<string, number>; owner: Record<string, number> };
  devices: Record<string, number>;
  funnel: { stage: string; count: number }[];
  to0: { tracked: number; due: number; failing: number; expiringSoon: number; expired: number; soonHours: number };
  rendezvous: { registrations: number; expired: number };
  onboardedPerHour: { hour: string; count: number }[];
}

export const REFRESH_MS = 5000;

export function useOnboardingStats(hours: number) {
  return useQuery({
    queryKey: ['/stats/onboarding', hours],
    queryFn: ({ signal }) => api<OnboardingStats>(withQuery('/stats/onboarding', { hours }), { signal }),
    refetchInterval: REFRESH_MS,
  });
}
