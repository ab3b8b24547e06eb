import type { Command } from 'commander';
import pino from 'pino';
import { ConfigError, ENV, type RawSettings, resolveConfig, settingsFromEnv, settingsFromFile } from '../../server/platform/config.ts';
import { startPlatform } from '../../server/platform/platform.ts';
import { type CliContext, defaultSettings, pathIn, rootedSettings } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type LimitOptions, limitFlags, withLimitOptions } from './up-limits.ts';

interface Options extends LimitOptions {
  roles?: string;
  listen?: string;
  dataDir?: string;
  database?: string;
  keyType?: string;
  autoOwner?: boolean;
  publicHost?: string;
  logLevel?: string;
  config?: string;
  // transport (TLS, factory listener, Host allowlist, timeouts)
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

/** The transport options of `iotopia up` (ADR 0015). */
function withTransportOptions(cmd: Command): Command {
  return cmd
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
    .option('--idle-timeout <s>', 'seconds a connection may stay silent mid-request, e.g. a stalled body (default 10)');
}

function transportFlags(opts: Options): RawSettings {
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

/** The start-up lines about TLS and the listeners. */
function transportLines(platform: Awaited<ReturnType<typeof startPlatform>>): string[] {
  const lines: string[] = [];
  if (platform.tls !== undefined) {
    if (platform.tls.created.length > 0) lines.push(`  TLS made:   ${platform.tls.created.join(', ')}`);
    lines.push(`  TLS certificate SHA-256: ${platform.tls.fingerprint}`);
    if (platform.tls.caFile !== undefined) lines.push(`  TLS CA (give clients --tls-ca): ${platform.tls.caFile}`);
  }
  for (const l of platform.listeners.slice(1)) {
    lines.push(`  ${l.name} listener: ${l.url} (FDO DI only${l.clientCertificates ? ', client certificates required' : ''})`);
  }
  return lines;
}

/** How DI is authorised here, for the start-up message. */
function manufacturingLine(m: { loopbackOnly: boolean; autoOwner: boolean }): string {
  const who = m.loopbackOnly
    ? 'open to local clients (loopback only)'
    : 'needs a DI token (iotopia manufacturer di-token create) or the factory listener';
  return `${who}; auto-owner ${m.autoOwner ? 'on' : 'off'}`;
}

export function registerUp(program: Command, cli: CliContext): void {
  const up = program
    .command('up')
    .description('run the IoTopia server: FDO manufacturer, rendezvous and owner over HTTP(S), on an embedded database by default')
    .option('--roles <list>', 'comma-separated: manufacturer, rendezvous, owner, mud (default: all four)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
    .option('--data-dir <dir>', 'where the embedded database and the master key live (default ./.iotopia)')
    .option('--database <url>', 'postgres://… to use PostgreSQL instead of the embedded SQLite database')
    .option('--key-type <type>', 'type of the keys made on first start: secp256r1 (default), secp384r1, rsa2048, rsa3072')
    .option(
      '--auto-owner',
      'extend every voucher made here by an authorised DI to this server’s owner key and register it (TO0); default: on only when listening on loopback',
    )
    .option('--no-auto-owner', 'do not extend vouchers made here to this server’s owner key and register them (TO0)')
    .option('--public-host <host>', 'host name or address devices reach this server at (default: the listen host)')
    .option('--log-level <level>', 'fatal, error, warn, info (default), debug, trace or silent');
  withTransportOptions(up).option('--config <file>', `a JSON file of these settings (keys: ${Object.keys(ENV).join(', ')})`);
  withLimitOptions(up)
    .addHelpText(
      'after',
      `\nSettings come from defaults, then --config, then the environment (${Object.values(ENV).join(', ')}), then flags.\n` +
        'The master key that seals private keys at rest is <data-dir>/master.key, made on first start, or IOTOPIA_MASTER_KEY\n' +
        '(64 hex digits; give every replica the same one when they share a PostgreSQL database).',
    )
    .action(async (opts: Options, cmd: Command) => {
      const flags: RawSettings = {
        roles: opts.roles,
        listen: opts.listen,
        dataDir: opts.dataDir,
        database: opts.database,
        keyType: opts.keyType,
        // commander sets autoOwner true by default for a --no- flag: only its explicit use counts.
        autoOwner: cmd.getOptionValueSource('autoOwner') === 'cli' ? opts.autoOwner : undefined,
        publicHost: opts.publicHost,
        logLevel: opts.logLevel,
        ...limitFlags(opts),
        ...transportFlags(opts),
      };
      let config: ReturnType<typeof resolveConfig>;
      try {
        config = resolveConfig(
          ...defaultSettings(cli),
          ...(opts.config === undefined
            ? []
            : [['config file', rootedSettings(cli, settingsFromFile(pathIn(cli, opts.config)))] as [string, RawSettings]]),
          ['environment', rootedSettings(cli, settingsFromEnv(cli.env))],
          ['command line', rootedSettings(cli, flags)],
        );
      } catch (e) {
        if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
        throw e;
      }
      const logger = cli.logStream === undefined ? pino({ level: config.logLevel }) : pino({ level: config.logLevel }, cli.logStream);
      let platform: Awaited<ReturnType<typeof startPlatform>>;
      try {
        platform = await startPlatform(config, { logger, env: cli.env });
      } catch (e) {
        if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
        throw e;
      }
      const lines = [
        `IoTopia is up at ${platform.url}  (roles: ${config.roles.join(', ')})`,
        `  database:   ${platform.database}`,
        `  master key: ${platform.masterKey.source}${platform.masterKey.created ? ' (created now: back it up; without it the stored private keys cannot be read)' : ''}`,
      ];
      if (platform.keys.created.length > 0) lines.push(`  keys made:  ${platform.keys.created.join(', ')}`);
      lines.push(...transportLines(platform));
      if (config.roles.includes('manufacturer')) lines.push(`  DI:         ${manufacturingLine(platform.manufacturing)}`);
      if (platform.firstAdminToken !== undefined) {
        lines.push(
          `  admin API token (shown only this once; keep it secret): ${platform.firstAdminToken}`,
          `  management API: ${platform.url}/api/v1  (OpenAPI: ${platform.url}/api/v1/openapi.json)`,
        );
      }
      const caArg = platform.tls?.caFile === undefined ? '' : ` --tls-ca ${platform.tls.caFile}`;
      lines.push(
        '',
        'Get started (in another terminal):',
        `  npx iotopia device init --manufacturer ${platform.url}${caArg}     # manufacture a simulated device (DI)`,
        `  npx iotopia device onboard${caArg}                                 # find the owner and onboard (TO1, TO2)`,
        `  health: ${platform.url}/healthz   metrics: ${platform.url}/metrics`,
        '',
        'Ctrl-C stops the server.',
      );
      cli.output.out(`${lines.join('\n')}\n`);
      const signal = await cli.stopRequested();
      cli.output.out(`\n${signal}: stopping (finishing requests in flight)…\n`);
      try {
        await platform.close();
      } catch (e) {
        logger.error({ err: e }, 'shutdown failed');
      }
    });
}
