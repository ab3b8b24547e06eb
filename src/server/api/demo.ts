/**
 * `GET /api/v1/demo`: what `iotopia up --demo` seeded and whether it is done, for a page that says
 * so. Read-only, for any token. A server that is not a demo answers `{ demo: false }`, so that
 * the console can ask every server without a refused request.
 */
import { jsonResponse, type RouteFactory, route } from './route.ts';

/** How the demo's MUD files are enforced: by this host's nftables, or judged on simulated flows only. */
export type DemoIntentMode = 'simulated' | 'enforced';

export interface DemoView {
  demo: true;
  intentMode: DemoIntentMode;
  phase: 'seeding' | 'ready';
  /** The step under way while seeding. */
  step?: string;
  /** When seeding finished (RFC 3339). */
  seededAt?: string;
  /** What was made and what the running fleet did since, by name. */
  counts: Record<string, number>;
}

/** Where the route reads the demo's state. */
export interface DemoStatusSource {
  view(): DemoView;
}

const DEMO_SCHEMA = {
  type: 'object',
  required: ['demo'],
  properties: {
    demo: { type: 'boolean', description: 'false on a server that is not a demo, which sends nothing else' },
    intentMode: { type: 'string', enum: ['simulated', 'enforced'] },
    phase: { type: 'string', enum: ['seeding', 'ready'] },
    step: { type: 'string' },
    seededAt: { type: 'string', format: 'date-time' },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};

export const demoRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/demo',
    roles: ['manufacturer', 'owner', 'rendezvous', 'auditor'],
    summary: 'The demo: whether it is seeding or ready, how intent runs, and what it made',
    openapi: { responses: { 200: jsonResponse('the demo state', DEMO_SCHEMA) } },
    async handler() {
      if (ctx.demo === undefined) return { demo: false };
      return ctx.demo.view();
    },
  }),
];
