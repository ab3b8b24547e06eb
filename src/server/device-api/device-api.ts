/**
 * The device API (ADR 0027, docs/device-api.md): the device-facing routes under /device/v1, apart
 * from the management API. Every route needs the device's bearer credential and sees only that
 * device. Bodies are JSON or CBOR; answers are CBOR when asked for in Accept. Rate limits are those
 * of the management API: requests per credential, failed logins per peer.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { idleDevices } from '../../lifecycle/campaigns/idle-devices.ts';
import type { DeviceCredentials } from '../../lifecycle/device-credentials.ts';
import { type LastSeen, lastSeen } from '../../lifecycle/last-seen.ts';
import type { PayloadDeps } from '../../lifecycle/releases/payloads.ts';
import { newAjv } from '../../platform/json-schema.ts';
import type { Store } from '../../store/store.ts';
import { type ApiRateLimits, apiLimiters, limitRequest } from '../api/api-limits.ts';
import { ApiProblem, problemErrorHandler, sendProblem } from '../api/problem.ts';
import { ensureRateLimiting } from '../http/rate-limits.ts';
import { campaignRoutes } from './campaign-routes.ts';
import { CBOR_TYPE, cborBody } from './cbor-body.ts';
import { authenticateDevice, deviceOf } from './device-auth.ts';
import { DEVICE_API_PREFIX } from './paths.ts';
import { deviceApiRoutes } from './routes.ts';

export { DEVICE_API_PREFIX } from './paths.ts';
/** The polling interval devices are told when none is configured, seconds. */
export const DEFAULT_POLL_SECONDS = 300;
const BODY_LIMIT = 64 * 1024;

export interface DeviceApiOptions {
  store: Store;
  credentials: DeviceCredentials;
  /** Seconds between polls that devices are told. */
  pollSeconds?: number;
  limits?: ApiRateLimits;
  /** Where release payloads are read from; with it, polls offer campaign actions and the update routes exist. */
  payloads?: PayloadDeps;
  /** Where authenticated requests are recorded as the device's last sighting; one on the store by default. */
  lastSeen?: LastSeen;
}

function errorHandler(error: Parameters<typeof problemErrorHandler>[0], request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // RFC 6750 §3: a refused bearer credential is answered with its challenge.
  if (error instanceof ApiProblem && error.status === 401) reply.header('www-authenticate', 'Bearer realm="iotopia-device"');
  return problemErrorHandler(error, request, reply);
}

/** Campaign action transitions go to the server's log. */
const campaignLog =
  (app: FastifyInstance) =>
  (level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void =>
    app.log[level](fields, message);

export function deviceApi(o: DeviceApiOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await ensureRateLimiting(app);
    const limiters = apiLimiters(app, o.limits);
    app.addContentTypeParser(CBOR_TYPE, { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_r, body, done) => {
      try {
        done(null, cborBody(body as Buffer));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    const bodies = newAjv({ coerce: false });
    const texts = newAjv({ coerce: true });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : texts).compile(schema));
    app.setErrorHandler(errorHandler);
    const seen = o.lastSeen ?? lastSeen({ store: o.store, log: (level, message, fields) => app.log[level](fields, message) });
    if (o.lastSeen === undefined) app.addHook('onClose', async () => seen.close());
    // One hook for what every request needs (a hook costs a promise and a step per request):
    // no caching of any answer, the rate limit, the credential, the sighting.
    app.addHook('onRequest', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      await limitRequest(limiters, request);
      await authenticateDevice({ store: o.store, credentials: o.credentials, limiters }, request);
      seen.seen(deviceOf(request).guid, request.ip);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, new ApiProblem(404, 'ERR_API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
    const campaigns = o.payloads === undefined ? undefined : { store: o.store, log: campaignLog(app), idle: idleDevices(o.store) };
    const routes = deviceApiRoutes({
      store: o.store,
      credentials: o.credentials,
      pollSeconds: o.pollSeconds ?? DEFAULT_POLL_SECONDS,
      ...(campaigns === undefined ? {} : { campaigns }),
    });
    for (const r of routes) app.route({ ...r, bodyLimit: r.bodyLimit ?? BODY_LIMIT });
    if (campaigns !== undefined && o.payloads !== undefined)
      for (const r of campaignRoutes(campaigns, o.payloads)) app.route({ ...r, bodyLimit: BODY_LIMIT });
  };
}

export const registerDeviceApi = (app: FastifyInstance, o: DeviceApiOptions): void => {
  app.register(deviceApi(o), { prefix: DEVICE_API_PREFIX });
};
