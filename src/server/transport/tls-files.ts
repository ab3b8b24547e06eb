/**
 * The operator's certificate and key files, watched: when either changes, the pair is read again
 * and, if it makes a valid TLS context, handed to every TLS listener (Node's setSecureContext),
 * so new handshakes use it while open connections go on. A pair that does not load (a half-written
 * file, a key that does not fit the certificate) is logged and the one in use kept.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../../platform/errors.ts';
import type { ServiceLog } from '../../platform/log.ts';
import type { TlsPair } from './listener.ts';

export interface WatchedTlsPair {
  /** The pair in use. */
  current(): TlsPair;
  /** Called with each new valid pair. */
  onChange(listener: (pair: TlsPair) => void): void;
  close(): void;
}

export interface TlsFileOptions {
  certFile: string;
  keyFile: string;
  log?: ServiceLog;
  /** How often the files are looked at, in ms (default 2000). */
  pollMs?: number;
}

async function readPair(certFile: string, keyFile: string): Promise<TlsPair> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  createSecureContext({ cert, key }); // throws when the files do not make a usable pair
  return { cert, key };
}

/** Reads the pair (a bad pair at start fails the start) and watches both files. */
export async function watchTlsFiles(options: TlsFileOptions): Promise<WatchedTlsPair> {
  const { certFile, keyFile, log } = options;
  let pair: TlsPair;
  try {
    pair = await readPair(certFile, keyFile);
  } catch (e) {
    throw new ConfigError(`tls-cert/tls-key (${certFile}, ${keyFile}): not a usable certificate and key: ${(e as Error).message}`);
  }
  const listeners: ((p: TlsPair) => void)[] = [];
  let reading = Promise.resolve();
  const changed = () => {
    reading = reading.then(async () => {
      try {
        const next = await readPair(certFile, keyFile);
        if (next.cert === pair.cert && next.key === pair.key) return;
        pair = next;
        for (const l of listeners) l(pair);
        log?.info({ certFile }, 'TLS certificate reloaded');
      } catch (e) {
        log?.warn({ certFile, keyFile, err: e }, 'TLS certificate files changed but do not load; the previous certificate stays in use');
      }
    });
  };
  const interval = options.pollMs ?? 2000;
  // Polling sees a file replaced by rename as well as one written in place.
  watchFile(certFile, { interval, persistent: false }, changed);
  watchFile(keyFile, { interval, persistent: false }, changed);
  return {
    current: () => pair,
    onChange: (l) => listeners.push(l),
    close() {
      unwatchFile(certFile, changed);
      unwatchFile(keyFile, changed);
    },
  };
}
