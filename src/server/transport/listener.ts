/**
 * One listening socket of the server: plain HTTP or TLS (optionally asking for client certificates
 * signed by a given CA), with the listener timeouts, built as the Node server Fastify runs on (its
 * `serverFactory`). A listener is {name, host, port, tls?, clientCa?} plus the app that holds its
 * routes; the main and the factory listener are two of these, and a third is one more entry.
 */
import { createServer as createHttpServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { ListenerTimeouts } from '../platform/transport-config.ts';

/** Which listener a request came in on (the request's `iotopiaListener`). */
export type ListenerName = 'main' | 'factory';

export interface TlsPair {
  /** PEM private key. */
  key: string;
  /** PEM certificate chain, leaf first. */
  cert: string;
}

export interface ListenerSpec {
  name: ListenerName;
  host: string;
  port: number;
  /** The server certificate; plain HTTP when absent. */
  tls?: TlsPair;
  /** PEM of a CA: TLS clients must present a certificate it signed, or the handshake fails. */
  clientCa?: string;
  timeouts: ListenerTimeouts;
}

export type NodeServer = HttpServer | HttpsServer;

/** Node checks request and header deadlines on this period; a shorter deadline needs a shorter period. */
function checkingInterval(t: ListenerTimeouts): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(t.requestTimeoutMs, t.headersTimeoutMs) / 2)));
}

/** A `serverFactory` for Fastify that makes the listener's Node server. */
export function listenerServerFactory(spec: ListenerSpec): (handler: RequestListener) => NodeServer {
  if (spec.clientCa !== undefined && spec.tls === undefined) throw new TypeError(`listener ${spec.name}: a client CA needs TLS`);
  return (handler) => {
    const t = spec.timeouts;
    const common = {
      requestTimeout: t.requestTimeoutMs,
      headersTimeout: Math.min(t.headersTimeoutMs, t.requestTimeoutMs),
      keepAliveTimeout: t.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingInterval(t),
    };
    const server =
      spec.tls === undefined
        ? createHttpServer(common, handler)
        : createHttpsServer(
            {
              ...common,
              key: spec.tls.key,
              cert: spec.tls.cert,
              minVersion: 'TLSv1.2',
              ...(spec.clientCa === undefined ? {} : { ca: spec.clientCa, requestCert: true, rejectUnauthorized: true }),
            },
            handler,
          );
    // A socket silent this long mid-request (a stalled body) is destroyed.
    server.setTimeout(t.idleTimeoutMs);
    return server;
  };
}
