/**
 * The certificate every TLS listener of this server presents: the operator's files (watched and
 * reloaded on change), or one the platform TLS CA issues for the names the server is reached at.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../platform/errors.ts';
import type { ServiceLog } from '../../platform/log.ts';
import { ensureTlsCertificate } from '../../platform/tls-certificate.ts';
import type { Store } from '../../store/store.ts';
import type { TlsPair } from '../transport/listener.ts';
import { watchTlsFiles } from '../transport/tls-files.ts';
import type { PlatformConfig, TransportConfig } from './config.ts';

export interface ServerTls {
  current(): TlsPair;
  onChange(listener: (pair: TlsPair) => void): void;
  /** SHA-256 fingerprint of the certificate in use (colon-separated hex, as Node prints it). */
  fingerprint(): string;
  /** The platform TLS CA's certificate file, when the platform made the certificate. */
  caFile?: string;
  /** The client CA of the factory listener (PEM), when one is set. */
  factoryClientCa?: string;
  created: string[];
  close(): void;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The names a platform-made certificate covers: the public, listen and factory hosts, and loopback. */
export function certificateNames(config: Pick<PlatformConfig, 'host' | 'publicHost'>, transport: TransportConfig): string[] {
  const hosts = [config.publicHost, config.host, transport.factoryListen?.host, 'localhost', '127.0.0.1', '::1'];
  return [...new Set(hosts.filter((h): h is string => h !== undefined && !WILDCARDS.has(h)).map((h) => h.toLowerCase()))];
}

const fingerprintOf = (pair: TlsPair) => new X509Certificate(pair.cert).fingerprint256;

export async function serverTls(
  config: PlatformConfig & { transport: TransportConfig },
  store: Store,
  now: Date,
  log: ServiceLog | undefined,
): Promise<ServerTls> {
  const t = config.transport;
  const clientCa = t.factoryClientCa === undefined ? {} : { factoryClientCa: readClientCa(t.factoryClientCa) };
  if (t.tlsCert !== undefined && t.tlsKey !== undefined) {
    const watched = await watchTlsFiles({ certFile: t.tlsCert, keyFile: t.tlsKey, ...(log === undefined ? {} : { log }) });
    return { ...watched, fingerprint: () => fingerprintOf(watched.current()), ...clientCa, created: [] };
  }
  const made = await ensureTlsCertificate(store, config.dataDir, certificateNames(config, t), now);
  const pair = { key: made.key, cert: made.cert };
  return {
    current: () => pair,
    onChange: () => {},
    fingerprint: () => made.certificate.fingerprint256,
    caFile: made.caFile,
    ...clientCa,
    created: made.created,
    close: () => {},
  };
}

function readClientCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    new X509Certificate(pem); // a file that is not a certificate fails the start
    return pem;
  } catch (e) {
    throw new ConfigError(`factory-client-ca (${file}): not a readable PEM certificate: ${(e as Error).message}`);
  }
}
