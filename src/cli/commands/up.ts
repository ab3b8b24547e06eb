import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import pino from 'pino';
import { KeystoreError } from '../../keystore/errors.ts';
import { ConfigError, ENV, type RawSettings, resolveConfig, settingsFromEnv, settingsFromFile } from '../../server/platform/config.ts';
import { startPlatform } from '../../server/platform/platform.ts';
import { type CliContext, defaultSettings, pathIn, rootedSettings } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { bannerLines, summaryOf } from './up-banner.ts';
import {
  type DemoOptions,
  demoBannerLines,
  type PreparedDemo,
  prepareDemo,
  removeThrowaway,
  runDemoUntil,
  withDemoOptions,
} from './up-demo.ts';
import { type IntentOptions, intentFlags, withIntentOptions } from './up-intent.ts';
import { type KeystoreOptions, keystoreFlags, withKeystoreOptions } from './up-keystore.ts';
import { type LimitOptions, limitFlags, withLimitOptions } from './up-limits.ts';
import { type TransportOptions, transportFlags, withTransportOptions } from './up-transport.ts';
import { upWithWorkers } from './up-workers.ts';

interface Options extends LimitOptions, TransportOptions, KeystoreOptions, IntentOptions, DemoOptions {
  roles?: string;
  listen?: string;
  dataDir?: string;
  database?: string;
  keyType?: string;
  autoOwner?: boolean;
  publicHost?: string;
  logLevel?: string;
  rendezvousPolicy?: string;
  allowInternalRendezvous?: boolean;
  config?: string;
  workers?: string;
}

export function registerUp(program: Command, cli: CliContext): void {
  const up = program
    .command('up')
    .description('run the IoTopia server: FDO manufacturer, rendezvous and owner over HTTP(S), on an embedded database by default')
    .option(
      '--roles <list>',
      'comma-separated: manufacturer, rendezvous, owner, mud, intent (default: the first four; intent, the MUD manager, programs this host’s nftables and is only played when named)',
    )
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
    .option('--log-level <level>', 'fatal, error, warn, info (default), debug, trace or silent')
    .option(
      '--workers <n>',
      `processes serving the listeners, sharing their sockets and the database (default: the cores available, ${availableParallelism()} here); 1 serves in this process alone`,
    )
    .option(
      '--rendezvous-policy <mode>',
      'what TO0 accepts while no policy is set through the API: own-keys (default: vouchers from this server’s manufacturer or owner keys) or open (every voucher that verifies)',
    )
    .option(
      '--allow-internal-rendezvous',
      'accept loopback, link-local, multicast, unspecified and cloud metadata addresses as rendezvous addresses (refused by default, loopback allowed when listening on loopback only)',
    );
  withTransportOptions(up).option('--config <file>', `a JSON file of these settings (keys: ${Object.keys(ENV).join(', ')})`);
  withDemoOptions(withIntentOptions(withKeystoreOptions(withLimitOptions(up))))
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
        rendezvousPolicy: opts.rendezvousPolicy,
        allowInternalRendezvous: opts.allowInternalRendezvous,
        workers: opts.workers,
        ...limitFlags(opts),
        ...transportFlags(opts),
        ...keystoreFlags(cli, opts),
        ...intentFlags(cli, opts),
      };
      const demo: PreparedDemo | undefined =
        opts.demo === true
          ? await prepareDemo({ ...opts, ...(opts.dataDir === undefined ? {} : { dataDir: pathIn(cli, opts.dataDir) }) }, cli.env)
          : undefined;
      if (demo !== undefined) Object.assign(flags, demo.flags, opts.logLevel === undefined ? { logLevel: 'error' } : {});
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
        if (demo !== undefined) removeThrowaway(demo);
        if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
        throw e;
      }
      const logger = cli.logStream === undefined ? pino({ level: config.logLevel }) : pino({ level: config.logLevel }, cli.logStream);
      if ((config.workers ?? 1) > 1) {
        await upWithWorkers(cli, config, logger);
        return;
      }
      let platform: Awaited<ReturnType<typeof startPlatform>>;
      try {
        platform = await startPlatform(config, { logger, env: cli.env, ...demo?.start });
      } catch (e) {
        if (demo !== undefined) removeThrowaway(demo);
        if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
        // A keystore that cannot be opened is a setting to fix, named in the message (never the PIN).
        if (e instanceof KeystoreError) throw new CliExit(EXIT_USAGE, `${e.message} [${e.code}]`);
        throw e;
      }
      const intentSimulated = demo?.status.view().intentMode === 'simulated';
      cli.output.out(
        `${bannerLines(cli, config, { ...summaryOf(platform), ...(intentSimulated ? { intentSimulated } : {}) }).join('\n')}\n`,
      );
      if (demo !== undefined) cli.output.out(`${demoBannerLines(demo, platform, platform.firstAdminToken).join('\n')}\n`);
      const signal =
        demo === undefined
          ? await cli.stopRequested()
          : await runDemoUntil(cli, demo, platform, platform.firstAdminToken, cli.stopRequested());
      cli.output.out(`\n${signal}: stopping (finishing requests in flight)…\n`);
      try {
        await platform.close();
      } catch (e) {
        logger.error({ err: e }, 'shutdown failed');
      }
      if (demo !== undefined) removeThrowaway(demo);
    });
}
