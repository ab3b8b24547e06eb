/**
 * The security headers every answer carries, worked out once per listener. Helmet decides them
 * (its defaults plus IoTopia's choices below); none depends on the request, so running helmet's
 * middleware once against a recording response gives the whole set, and each answer then gets it
 * as one object instead of helmet rebuilding its middleware per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** One year, the usual HSTS age; no includeSubDomains, since IoTopia does not own the parent domain. */
export const HSTS_SECONDS = 31_536_000;

/** IoTopia's helmet options: a CSP that allows nothing, no framing, no referrer; HSTS only over TLS, where browsers honour it. */
export function helmetOptions(tls: boolean): HelmetOptions {
  return {
    hsts: tls ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    noSniff: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
  };
}

/** Header names in lower case (as Fastify keeps a reply's headers) with their values. */
export type HeaderSet = Readonly<Record<string, string>>;

/**
 * The headers helmet sets for `options`. Helmet also removes X-Powered-By, which neither Node nor
 * Fastify sends, so there is nothing to remove per answer.
 */
export function securityHeaders(options: HelmetOptions): HeaderSet {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader() {},
  };
  let finished = false;
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    finished = true;
    failure = error;
  });
  if (failure !== undefined) throw failure;
  // Every middleware helmet has is synchronous; a set read before they all ran would be incomplete.
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}
