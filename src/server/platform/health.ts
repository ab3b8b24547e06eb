/** Health, readiness and Prometheus metrics of the server, as a Fastify plugin. */
import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/store.ts';
import type { PlatformMetrics } from './metrics.ts';

export function healthRoutes(o: { store: Pick<Store, 'keys'>; roles: readonly string[]; metrics: PlatformMetrics }): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      try {
        await o.store.keys.list();
        return { status: 'ready', roles: o.roles };
      } catch {
        return reply.code(503).send({ status: 'not ready', reason: 'the database does not answer' });
      }
    });
    app.get('/metrics', async (_request, reply) => reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics()));
  };
}
