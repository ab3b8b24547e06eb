/**
 * The IoTopia HTTP server as a Fastify instance, built from its parts: the FDO transport and the
 * management API.
 * The CLI listens on it; tests call `inject` on it without sockets.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerManagementApi } from './api/management-api.ts';
import type { ApiContext } from './api/route.ts';
import { type FdoTransportOptions, fdoTransport } from './fdo/fdo-transport.ts';

export interface AppOptions {
  /** The FDO roles and session store; without it no FDO route is served. */
  fdo?: FdoTransportOptions;
  /** The store and keys behind /api/v1; without it no management route is served. */
  api?: ApiContext;
  /** A pino logger; silent when not set. */
  logger?: FastifyBaseLogger;
}

export function createApp(options: AppOptions = {}): FastifyInstance {
  const app = (options.logger === undefined ? Fastify({ logger: false }) : Fastify({ loggerInstance: options.logger })) as FastifyInstance;
  if (options.fdo !== undefined) app.register(fdoTransport(options.fdo));
  if (options.api !== undefined) registerManagementApi(app, options.api);
  return app;
}
