/** The intent overview for the console and dashboards: devices per enforcement state and violations per hour. */
import { Type } from 'typebox';
import { intentOverview } from '../../intent/intent-overview.ts';
import { INTENT_ENFORCEMENT_STATES } from '../../store/intent-device-repository.ts';
import { MAX_INTENT_STATS_HOURS } from '../../store/intent-stats-repository.ts';
import { jsonResponse, type RouteFactory, route } from './route.ts';

const StatsQuery = Type.Object({
  hours: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_INTENT_STATS_HOURS, description: 'how many hours, the current one last (default 24)' }),
  ),
});

const count = { type: 'integer', minimum: 0 };
const STATS_SCHEMA = {
  type: 'object',
  required: ['devices', 'total', 'hours'],
  properties: {
    devices: {
      type: 'object',
      description: 'devices per enforcement state',
      required: [...INTENT_ENFORCEMENT_STATES],
      properties: Object.fromEntries(INTENT_ENFORCEMENT_STATES.map((s) => [s, count])),
    },
    total: { ...count, description: 'devices in any state but removed' },
    hours: {
      type: 'array',
      description: 'oldest first; every hour present',
      items: {
        type: 'object',
        required: ['hour', 'firstSeen', 'lastSeen'],
        properties: {
          hour: { type: 'string', format: 'date-time', description: 'the start of the hour' },
          firstSeen: { ...count, description: 'violating flows first seen in this hour' },
          lastSeen: { ...count, description: 'violating flows last seen in this hour' },
        },
      },
    },
  },
};

export const intentStatsRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/stats/intent',
    roles: ['owner', 'auditor'],
    summary: 'Intent devices per enforcement state, and violating flows per hour over the last hours',
    schema: { querystring: StatsQuery },
    openapi: { responses: { 200: jsonResponse('the overview', STATS_SCHEMA) } },
    async handler(request) {
      const now = (ctx.clock ?? (() => new Date()))();
      const o = await intentOverview(ctx.store.intentStats, now, request.query.hours ?? 24);
      return { ...o, hours: o.hours.map((h) => ({ hour: h.hour.toISOString(), firstSeen: h.firstSeen, lastSeen: h.lastSeen })) };
    },
  }),
];
