/**
 * The onboarding figures over HTTP (counts only, no identifiers): for the console's onboarding
 * page and for monitoring. The figures and their meaning come from onboarding/onboarding-stats.ts.
 */
import { Type } from 'typebox';
import { DEVICE_STATES } from '../../lifecycle/device-states.ts';
import {
  FUNNEL_STAGES,
  MANUFACTURER_VOUCHER_STATES,
  MAX_RATE_HOURS,
  type OnboardingStats,
  OWNER_VOUCHER_STATES,
  onboardingStats,
} from '../../onboarding/onboarding-stats.ts';
import { jsonResponse, type RouteFactory, route } from './route.ts';

const StatsQuery = Type.Object({
  hours: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_RATE_HOURS,
      description: `hours of TO2s per hour, the current one last (1–${MAX_RATE_HOURS}, default 24)`,
    }),
  ),
});

const counts = (keys: readonly string[]) => ({
  type: 'object',
  required: [...keys],
  properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer', minimum: 0 }])),
});

const STATS_SCHEMA = {
  type: 'object',
  required: ['at', 'vouchers', 'devices', 'funnel', 'to0', 'rendezvous', 'onboardedPerHour'],
  properties: {
    at: { type: 'string', format: 'date-time', description: 'when the figures were counted' },
    vouchers: {
      type: 'object',
      description: 'vouchers by state on each side',
      required: ['manufacturer', 'owner'],
      properties: { manufacturer: counts(MANUFACTURER_VOUCHER_STATES), owner: counts(OWNER_VOUCHER_STATES) },
    },
    devices: { ...counts(DEVICE_STATES), description: 'device records by state' },
    funnel: {
      type: 'array',
      description: 'device records that reached each stage at least once, in order',
      items: {
        type: 'object',
        required: ['stage', 'count'],
        properties: { stage: { type: 'string', enum: [...FUNNEL_STAGES] }, count: { type: 'integer', minimum: 0 } },
      },
    },
    to0: {
      ...counts(['tracked', 'due', 'failing', 'expiringSoon', 'expired', 'soonHours']),
      description:
        "the owner's TO0 registrations of vouchers still to keep registered (imported, registered): tracked, due for refresh, failing, running out within soonHours, run out",
    },
    rendezvous: {
      ...counts(['registrations', 'expired']),
      description: "this rendezvous' registrations, and those run out (kept until swept)",
    },
    onboardedPerHour: {
      type: 'array',
      description: 'device records by the hour of their last TO2, oldest first, every hour of the window (0 when none)',
      items: {
        type: 'object',
        required: ['hour', 'count'],
        properties: {
          hour: { type: 'string', format: 'date-time', description: "the hour's start" },
          count: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
};

function statsView(s: OnboardingStats) {
  return {
    ...s,
    at: s.at.toISOString(),
    onboardedPerHour: s.onboardedPerHour.map((h) => ({ hour: h.hour.toISOString(), count: h.count })),
  };
}

export const onboardingStatsRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/stats/onboarding',
    roles: ['manufacturer', 'owner', 'rendezvous', 'auditor'],
    summary: 'Onboarding figures: vouchers by state, the device funnel, TO0 and rendezvous health, TO2s per hour',
    schema: { querystring: StatsQuery },
    openapi: { responses: { 200: jsonResponse('the figures now', STATS_SCHEMA) } },
    async handler(request) {
      const now = (ctx.clock ?? (() => new Date()))();
      return statsView(await onboardingStats(ctx.store, now, request.query.hours ?? 24));
    },
  }),
];
