/**
 * The transport settings of `iotopia up`: TLS, the factory listener, the Host allowlist, the
 * listener timeouts and the CA bundle outbound connections trust, resolved from the same layered
 * sources as every other setting. The rule that decides whether TLS is on (and refuses plain HTTP
 * beyond loopback) lives here, in one function, so a test can check it without opening a socket. ADR 0015 gives each default and its reason.
 */

import { ConfigError } from '../../platform/errors.ts';
import { isLoopbackHost } from '../../platform/loopback.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ListenerTimeouts {
  /** Longest time to receive a whole request, headers and body (ms); stops slow bodies. */
  requestTimeoutMs: number;
  /** Longest time to receive the request headers (ms); stops slow headers. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests (ms). */
  keepAliveTimeoutMs: number;
  /** Longest silence on a socket mid-request, e.g. a body that stalls (ms). */
  idleTimeoutMs: number;
}

export interface TransportConfig {
  /** TLS on every listener. */
  tls: boolean;
  /** The operator's certificate and key (PEM files), watched for changes; the platform TLS CA issues one when absent. */
  tlsCert?: string;
  tlsKey?: string;
  /** The factory listener (DI only), when configured. */
  factoryListen?: ListenAddress;
  /** A CA (PEM file) whose client certificates the factory listener requires. */
  factoryClientCa?: string;
  /** Host header values served; every host when absent. */
  allowedHosts?: string[];
  /** The CA bundle (PEM file) outbound https connections trust instead of the system's roots (the owner's TO0). */
  outboundTlsCa?: string;
  timeouts: ListenerTimeouts;
  /** Every listener is bound to a loopback address. */
  loopbackOnly: boolean;
}

/** The transport settings as strings, from one source; undefined means "not given here". */
export interface TransportRawSettings {
  tls?: string | boolean | undefined;
  insecureHttp?: string | boolean | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  factoryListen?: string | undefined;
  factoryClientCa?: string | undefined;
  allowedHosts?: string | undefined;
  outboundTlsCa?: string | undefined;
  requestTimeout?: string | undefined;
  headersTimeout?: string | undefined;
  keepAliveTimeout?: string | undefined;
  idleTimeout?: string | undefined;
}

export const TRANSPORT_ENV: Readonly<Record<keyof TransportRawSettings, string>> = {
  tls: 'IOTOPIA_TLS',
  insecureHttp: 'IOTOPIA_INSECURE_HTTP',
  tlsCert: 'IOTOPIA_TLS_CERT',
  tlsKey: 'IOTOPIA_TLS_KEY',
  factoryListen: 'IOTOPIA_FACTORY_LISTEN',
  factoryClientCa: 'IOTOPIA_FACTORY_CLIENT_CA',
  allowedHosts: 'IOTOPIA_ALLOWED_HOSTS',
  outboundTlsCa: 'IOTOPIA_OUTBOUND_TLS_CA',
  requestTimeout: 'IOTOPIA_REQUEST_TIMEOUT',
  headersTimeout: 'IOTOPIA_HEADERS_TIMEOUT',
  keepAliveTimeout: 'IOTOPIA_KEEP_ALIVE_TIMEOUT',
  idleTimeout: 'IOTOPIA_IDLE_TIMEOUT',
};

/** The settings whose values are file paths (taken from the run's working directory). */
export const TRANSPORT_PATH_SETTINGS = ['tlsCert', 'tlsKey', 'factoryClientCa', 'outboundTlsCa'] as const;

/** Seconds, as the settings are written. */
export const DEFAULT_TIMEOUTS_SECONDS = Object.freeze({ requestTimeout: 30, headersTimeout: 10, keepAliveTimeout: 5, idleTimeout: 10 });

const TIMEOUT_KEYS = ['requestTimeout', 'headersTimeout', 'keepAliveTimeout', 'idleTimeout'] as const;

/** Parses HOST:PORT ([v6]:PORT too); an empty host is 127.0.0.1. */
export function parseListen(value: string): ListenAddress | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) return undefined;
  return { host: m[1] ?? (m[2] === '' ? '127.0.0.1' : (m[2] as string)), port };
}

interface Merged {
  tls?: boolean;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  factoryListen?: ListenAddress;
  factoryClientCa?: string;
  allowedHosts?: string[];
  outboundTlsCa?: string;
  timeouts: Record<(typeof TIMEOUT_KEYS)[number], number>;
}

export type Bad = (setting: string, why: string) => ConfigError;

/** A true/false setting (a flag's boolean, or the text from a file or the environment). */
export function booleanSetting(value: string | boolean, setting: string, bad: Bad): boolean {
  const v = String(value);
  if (v !== 'true' && v !== 'false') throw bad(setting, 'true or false');
  return v === 'true';
}

function mergeOne(m: Merged, s: TransportRawSettings, bad: Bad): void {
  if (s.tls !== undefined) m.tls = booleanSetting(s.tls, 'tls', bad);
  if (s.insecureHttp !== undefined) m.insecureHttp = booleanSetting(s.insecureHttp, 'insecure-http', bad);
  if (s.tlsCert !== undefined) m.tlsCert = s.tlsCert;
  if (s.tlsKey !== undefined) m.tlsKey = s.tlsKey;
  if (s.factoryListen !== undefined) {
    const at = parseListen(s.factoryListen);
    if (at === undefined) throw bad('factory-listen', `"${s.factoryListen}" is not HOST:PORT`);
    m.factoryListen = at;
  }
  if (s.factoryClientCa !== undefined) m.factoryClientCa = s.factoryClientCa;
  if (s.allowedHosts !== undefined) {
    const hosts = s.allowedHosts
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    if (hosts.length === 0) throw bad('allowed-hosts', 'list at least one host name (host or host:port)');
    m.allowedHosts = [...new Set(hosts)];
  }
  if (s.outboundTlsCa !== undefined) {
    if (s.outboundTlsCa.trim() === '') throw bad('outbound-tls-ca', 'the path of a PEM file of CA certificates');
    m.outboundTlsCa = s.outboundTlsCa;
  }
  for (const k of TIMEOUT_KEYS) {
    const raw = s[k];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (raw.trim() === '' || !(n > 0 && n <= 3600)) throw bad(kebab(k), 'seconds, more than 0 and at most 3600 (e.g. 30 or 0.5)');
    m.timeouts[k] = n;
  }
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Merges the transport settings of each source (later wins) and decides TLS for the listeners at
 * `main` (and the factory listener). TLS is on when asked for, when certificate files are given,
 * when a factory client CA is given, or when any listener is beyond loopback; plain HTTP beyond
 * loopback needs `insecure-http`, and is refused otherwise.
 */
export function resolveTransport(main: ListenAddress, sources: [name: string, settings: TransportRawSettings][]): TransportConfig {
  const m: Merged = { timeouts: { ...DEFAULT_TIMEOUTS_SECONDS } };
  for (const [source, s] of sources) mergeOne(m, s, (setting, why) => new ConfigError(`${setting} (from ${source}): ${why}`));
  if ((m.tlsCert === undefined) !== (m.tlsKey === undefined)) {
    throw new ConfigError('tls-cert and tls-key: give both files (a certificate without its key, or the reverse, cannot serve TLS)');
  }
  const hosts = [main.host, ...(m.factoryListen === undefined ? [] : [m.factoryListen.host])];
  const loopbackOnly = hosts.every(isLoopbackHost);
  const askedTls = m.tls === true || m.tlsCert !== undefined || m.factoryClientCa !== undefined;
  if (m.insecureHttp === true && askedTls) {
    throw new ConfigError('insecure-http: cannot be combined with tls, tls-cert/tls-key or factory-client-ca; choose one');
  }
  const tls = askedTls || (!loopbackOnly && m.insecureHttp !== true);
  if (m.tls === false && !loopbackOnly && m.insecureHttp !== true) {
    throw refusal(hosts.find((h) => !isLoopbackHost(h)) as string);
  }
  return {
    tls,
    ...(m.tlsCert === undefined ? {} : { tlsCert: m.tlsCert }),
    ...(m.tlsKey === undefined ? {} : { tlsKey: m.tlsKey }),
    ...(m.factoryListen === undefined ? {} : { factoryListen: m.factoryListen }),
    ...(m.factoryClientCa === undefined ? {} : { factoryClientCa: m.factoryClientCa }),
    ...(m.allowedHosts === undefined ? {} : { allowedHosts: m.allowedHosts }),
    ...(m.outboundTlsCa === undefined ? {} : { outboundTlsCa: m.outboundTlsCa }),
    timeouts: {
      requestTimeoutMs: m.timeouts.requestTimeout * 1000,
      headersTimeoutMs: m.timeouts.headersTimeout * 1000,
      keepAliveTimeoutMs: m.timeouts.keepAliveTimeout * 1000,
      idleTimeoutMs: m.timeouts.idleTimeout * 1000,
    },
    loopbackOnly,
  };
}

function refusal(host: string): ConfigError {
  return new ConfigError(
    `tls: plain HTTP on ${host}, which is not a loopback address, would send API tokens and device secrets in clear text; ` +
      'leave TLS on (the default there), or give --insecure-http (IOTOPIA_INSECURE_HTTP=true) if a TLS proxy in front of IoTopia protects the traffic',
  );
}
