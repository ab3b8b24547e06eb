/** The transport options of `iotopia up`: TLS, the factory listener, the Host allowlist and the listener timeouts (ADR 0015). */
import type { Command } from 'commander';
import type { RawSettings } from '../../server/platform/config.ts';

export interface TransportOptions {
  tls?: boolean;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  factoryListen?: string;
  factoryClientCa?: string;
  allowedHosts?: string;
  outboundTlsCa?: string;
  requestTimeout?: string;
  headersTimeout?: string;
  keepAliveTimeout?: string;
  idleTimeout?: string;
}

export function withTransportOptions(cmd: Command): Command {
  return cmd
    .optionsGroup('HTTPS, listeners and timeouts (ADR 0015):')
    .option('--tls', 'serve HTTPS on loopback too (beyond loopback TLS is on by default)')
    .option('--insecure-http', 'serve plain HTTP on a non-loopback address (only behind a TLS proxy: tokens and secrets travel in clear)')
    .option(
      '--tls-cert <pem>',
      'the server certificate chain (PEM), reloaded when the file changes (default: one issued by the platform TLS CA)',
    )
    .option('--tls-key <pem>', 'the private key of --tls-cert (PEM), reloaded when the file changes')
    .option('--factory-listen <host:port>', 'a second listener that serves only FDO DI (manufacturing); TLS by the same rules as --listen')
    .option('--factory-client-ca <pem>', 'the factory listener accepts only clients with a certificate this CA signed')
    .option('--allowed-hosts <list>', 'comma-separated Host header values served (host or host:port); others get 421 (default: any)')
    .option(
      '--outbound-tls-ca <pem>',
      "CA certificates (PEM bundle) this server trusts for its own https connections, e.g. TO0 to a rendezvous, instead of the system's roots",
    )
    .option('--request-timeout <s>', 'seconds to receive a whole request, body included (default 30)')
    .option('--headers-timeout <s>', 'seconds to receive the request headers (default 10)')
    .option('--keep-alive-timeout <s>', 'seconds an idle connection stays open between requests (default 5)')
    .option('--idle-timeout <s>', 'seconds a connection may stay silent mid-request, e.g. a stalled body (default 10)')
    .optionsGroup('Options:');
}

export function transportFlags(opts: TransportOptions): RawSettings {
  return {
    tls: opts.tls,
    insecureHttp: opts.insecureHttp,
    tlsCert: opts.tlsCert,
    tlsKey: opts.tlsKey,
    factoryListen: opts.factoryListen,
    factoryClientCa: opts.factoryClientCa,
    allowedHosts: opts.allowedHosts,
    outboundTlsCa: opts.outboundTlsCa,
    requestTimeout: opts.requestTimeout,
    headersTimeout: opts.headersTimeout,
    keepAliveTimeout: opts.keepAliveTimeout,
    idleTimeout: opts.idleTimeout,
  };
}
