/**
 * Opens every listener of the platform (each an app on its own Node server), hands a reloaded
 * certificate to each TLS listener, and closes them together.
 */
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { ListenerName, ListenerSpec } from '../transport/listener.ts';
import type { ServerTls } from './tls.ts';

export interface PlatformListener {
  name: ListenerName;
  host: string;
  port: number;
  /** https://… or http://…, for this listener's address. */
  url: string;
  tls: boolean;
  /** The listener requires client certificates from a CA. */
  clientCertificates: boolean;
}

export interface RunningListeners {
  listeners: PlatformListener[];
  close(): Promise<void>;
}

const urlOf = (tls: boolean, host: string, port: number) =>
  `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

export async function listenAll(
  apps: { spec: ListenerSpec; app: FastifyInstance }[],
  tls: ServerTls | undefined,
): Promise<RunningListeners> {
  const opened: FastifyInstance[] = [];
  try {
    for (const { spec, app } of apps) {
      await app.listen({ host: spec.host, port: spec.port });
      opened.push(app);
      if (tls !== undefined) {
        const server = app.server as unknown as HttpsServer;
        tls.onChange((pair) => server.setSecureContext({ ...pair, ...(spec.clientCa === undefined ? {} : { ca: spec.clientCa }) }));
      }
    }
  } catch (e) {
    await Promise.allSettled(opened.map((a) => a.close()));
    throw e;
  }
  return {
    listeners: apps.map(({ spec }) => ({
      name: spec.name,
      host: spec.host,
      port: spec.port,
      url: urlOf(spec.tls !== undefined, spec.host, spec.port),
      tls: spec.tls !== undefined,
      clientCertificates: spec.clientCa !== undefined,
    })),
    async close() {
      await Promise.all(opened.map((a) => a.close()));
    },
  };
}
