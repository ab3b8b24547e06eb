/**
 * The IoTopia HTTP server as a Fastify instance, built from its parts: the security layer (headers,
 * Host allowlist, listener name), the FDO transport and the management API.
 * The CLI listens on it; tests call `inject` on it without sockets.
 */
import type { RequestListener } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiRateLimits } from './api/api-limits.ts';
import { registerManagementApi } from './api/management-api.ts';
import type { ApiContext } from './api/route.ts';
import { type ConsoleOptions, serveConsole } from './console/serve-console.ts';
import { type DeviceApiOptions, registerDeviceApi } from './device-api/device-api.ts';
import { type FdoTransportOptions, fdoTransport } from './fdo/fdo-transport.ts';
import type { NodeServer } from './transport/listener.ts';
import { registerSecurity, type SecurityOptions } from './transport/security.ts';

export interface AppOptions {
  /** The FDO roles and session store; without it no FDO route is served. */
  fdo?: FdoTransportOptions;
  /** The store and keys behind /api/v1; without it no management route is served. */
  api?: ApiContext;
  /** The device API under /device/v1 (the owner's devices, with their own credentials); not served when not set. */
  deviceApi?: DeviceApiOptions;
  /** A pino logger; silent when not set. */
  logger?: FastifyBaseLogger;
  /** The management API's rate limits (requests per token, failed logins per peer); defaults when not set. */
  apiLimits?: ApiRateLimits;
  /** Reverse proxies whose X-Forwarded-For names the peer (addresses or CIDR ranges); none when not set. */
  trustProxy?: readonly string[];
  /** Security headers, the Host allowlist and the listener name; the main listener over plain HTTP when not set. */
  security?: SecurityOptions;
  /** The web console at / (its built assets); not served when not set. */
  console?: ConsoleOptions;
  /** Makes the Node server (TLS, timeouts) the app listens on; see transport/listener.ts. */
  serverFactory?: (handler: RequestListener) => NodeServer;
}

export function createApp(options: AppOptions = {}): FastifyInstance {
  // Rate limits key on request.ip: the socket's address unless a trusted proxy forwarded the request.
  const base = {
    ...(options.trustProxy === undefined || options.trustProxy.length === 0 ? {} : { trustProxy: [...options.trustProxy] }),
    ...(options.serverFactory === undefined ? {} : { serverFactory: options.serverFactory }),
  };
  const app = (
    options.logger === undefined ? Fastify({ ...base, logger: false }) : Fastify({ ...base, loggerInstance: options.logger })
  ) as FastifyInstance;
  registerSecurity(app, options.security ?? { listener: 'main', tls: false });
  if (options.fdo !== undefined) app.register(fdoTransport(options.fdo));
  if (options.api !== undefined) registerManagementApi(app, options.api, options.apiLimits);
  if (options.deviceApi !== undefined) registerDeviceApi(app, options.deviceApi);
  if (options.console !== undefined) app.register(serveConsole(options.console));
  return app;
}
