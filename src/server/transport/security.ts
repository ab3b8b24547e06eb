/**
 * HTTP hardening for every listener: security headers (helmet's, worked out once per listener in
 * security-headers.ts; HSTS only over TLS, where browsers honour it), `Cache-Control: no-store` on
 * the management API, whose answers carry secrets and device data, an optional Host allowlist (421
 * for any other Host, so a DNS-rebinding page cannot talk to the server through a name it
 * controls), and the request's listener name.
 *
 * Both hooks are synchronous and run for every request: the cost of the hardening is a few
 * property writes per answer, so that the FDO transport's many small messages pay little for it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { API_PREFIX } from '../api/openapi.ts';
import { ApiProblem, sendProblem } from '../api/problem.ts';
import type { ListenerName } from './listener.ts';
import { helmetOptions, securityHeaders } from './security-headers.ts';

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

/** True when `host` (a Host header) is allowed by the list, by host:port or by host alone. */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined) return false;
  const h = host.trim().toLowerCase();
  const bare = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '');
  return allowed.includes(h) || allowed.includes(bare);
}

/** True for a URL of the management API (the prefix itself, a path under it, or it with a query). */
export function isApiUrl(url: string): boolean {
  if (!url.startsWith(API_PREFIX)) return false;
  const next = url.charCodeAt(API_PREFIX.length);
  return Number.isNaN(next) || next === 0x2f || next === 0x3f; // end, '/' or '?'
}

export function registerSecurity(app: FastifyInstance, options: SecurityOptions): void {
  app.decorateRequest('iotopiaListener', options.listener);
  const headers = securityHeaders(helmetOptions(options.tls));
  const allowed = options.allowedHosts;
  // The headers go on first, so that a refusal of the Host carries them too.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.headers(headers);
    if (allowed === undefined || hostAllowed(request.headers.host, allowed)) return done();
    request.log.warn({ listener: options.listener }, 'request for a host that is not allowed refused');
    // Answered here: the chain stops without done().
    sendProblem(
      reply,
      new ApiProblem(421, 'ERR_API_HOST', 'this server does not answer for the host named in the request (see allowed-hosts)'),
    );
  });
  // On send, after any handler: no API answer leaves without no-store, whatever set it before.
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (e: null, p: unknown) => void) => {
    if (isApiUrl(request.url)) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
