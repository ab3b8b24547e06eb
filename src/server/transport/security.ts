/**
 * HTTP hardening for every listener: security headers (@fastify/helmet; HSTS only over TLS, where
 * browsers honour it), `Cache-Control: no-store` on the management API, whose answers carry
 * secrets and device data, an optional Host allowlist (421 for any other Host, so a DNS-rebinding
 * page cannot talk to the server through a name it controls), and the request's listener name.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../api/openapi.ts';
import { ApiProblem, sendProblem } from '../api/problem.ts';
import type { ListenerName } from './listener.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The listener the request arrived on: `main`, or `factory` (DI only). */
    iotopiaListener: ListenerName;
  }
}

export interface SecurityOptions {
  /** The listener this app serves; every request is marked with it. */
  listener: ListenerName;
  /** HSTS is sent only when the listener speaks TLS. */
  tls: boolean;
  /** Host header values (host or host:port, lower case) served; any when absent. */
  allowedHosts?: readonly string[];
}

/** One year, the usual HSTS age; no includeSubDomains, since IoTopia does not own the parent domain. */
const HSTS_SECONDS = 31_536_000;

/** True when `host` (a Host header) is allowed by the list, by host:port or by host alone. */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined) return false;
  const h = host.trim().toLowerCase();
  const bare = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '');
  return allowed.includes(h) || allowed.includes(bare);
}

export function registerSecurity(app: FastifyInstance, options: SecurityOptions): void {
  app.decorateRequest('iotopiaListener', options.listener);
  app.register(helmet, {
    global: true,
    hsts: options.tls ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    noSniff: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
  });
  const allowed = options.allowedHosts;
  if (allowed !== undefined) {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (hostAllowed(request.headers.host, allowed)) return;
      request.log.warn({ listener: options.listener }, 'request for a host that is not allowed refused');
      return sendProblem(
        reply,
        new ApiProblem(421, 'ERR_API_HOST', 'this server does not answer for the host named in the request (see allowed-hosts)'),
      );
    });
  }
  app.addHook('onSend', async (request, reply) => {
    if (request.url === API_PREFIX || request.url.startsWith(`${API_PREFIX}/`) || request.url.startsWith(`${API_PREFIX}?`)) {
      reply.header('cache-control', 'no-store');
    }
  });
}
