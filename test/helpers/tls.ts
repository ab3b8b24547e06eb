/**
 * HTTPS for test servers that are not whole platforms (an app built with createApp, a go-fdo-server):
 * a CA of the test's own, a server certificate from it for the loopback names, the PEM files peers
 * read (SSL_CERT_FILE for Go), and a fetch that trusts the CA and nothing else.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fetchTrusting } from '../../src/fdo/client/tls-fetch.ts';
import type { AppOptions } from '../../src/server/app.ts';
import { DEFAULT_TIMEOUTS_SECONDS } from '../../src/server/platform/transport-config.ts';
import { listenerServerFactory, type TlsPair } from '../../src/server/transport/listener.ts';
import { testCa } from '../server/http/tls-helpers.ts';

/** The names a loopback server certificate covers. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

export interface LoopbackTls {
  /** PEM of the CA certificate. */
  ca: string;
  /** The CA certificate as a file (for SSL_CERT_FILE, --tls-ca, outbound-tls-ca). */
  caFile: string;
  /** The server certificate (chain) and key for the loopback names. */
  pair: TlsPair;
  certFile: string;
  keyFile: string;
  /** A fetch that trusts only the CA. */
  fetch: typeof fetch;
}

/** A test CA and a loopback server certificate, written as PEM files into `dir`. */
export async function loopbackTls(dir: string, name = 'test'): Promise<LoopbackTls> {
  const ca = await testCa(`IoTopia ${name} TLS CA`);
  const leaf = await ca.issue('127.0.0.1', LOOPBACK_NAMES);
  const caFile = join(dir, `${name}-tls-ca.pem`);
  const certFile = join(dir, `${name}-tls-cert.pem`);
  const keyFile = join(dir, `${name}-tls-key.pem`);
  writeFileSync(caFile, ca.pem);
  writeFileSync(certFile, `${leaf.cert}${ca.pem}`);
  writeFileSync(keyFile, leaf.key, { mode: 0o600 });
  return { ca: ca.pem, caFile, pair: { cert: `${leaf.cert}${ca.pem}`, key: leaf.key }, certFile, keyFile, fetch: fetchTrusting(ca.pem) };
}

/** createApp options that make an app serve HTTPS with `pair` (the platform's listener code, its default timeouts). */
export function httpsAppOptions(pair: TlsPair): Pick<AppOptions, 'serverFactory' | 'security'> {
  const t = DEFAULT_TIMEOUTS_SECONDS;
  return {
    serverFactory: listenerServerFactory({
      name: 'main',
      host: '127.0.0.1',
      port: 0,
      tls: pair,
      timeouts: {
        requestTimeoutMs: t.requestTimeout * 1000,
        headersTimeoutMs: t.headersTimeout * 1000,
        keepAliveTimeoutMs: t.keepAliveTimeout * 1000,
        idleTimeoutMs: t.idleTimeout * 1000,
      },
    }),
    security: { listener: 'main', tls: true },
  };
}

/** Listens on a free loopback port; answers the base URL (https:// when the app serves TLS) and the port. */
export async function listenLoopback(app: FastifyInstance, https: boolean): Promise<{ url: string; port: number }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `${https ? 'https' : 'http'}://127.0.0.1:${address.port}`, port: address.port };
}
