import type { Command } from 'commander';
import pino from 'pino';
import { KeystoreError } from '../../keystore/errors.ts';
import { ConfigError, ENV, type RawSettings, resolveConfig, settingsFromEnv, settingsFromFile } from '../../server/platform/config.ts';
import { startPlatform } from '../../server/platform/platform.ts';
import { type CliContext, defaultSettings, pathIn, rootedSettings } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';

interface Options {
  roles?: string;
  listen?: string;
  dataDir?: string;
  database?: string;
  keyType?: string;
  autoOwner?: boolean;
  publicHost?: string;
  logLevel?: string;
  config?: string;
  keystore?: string;
  pkcs11Module?: string;
  pkcs11Token?: string;
  pkcs11PinFile?: string;
  pkcs11LabelPrefix?: string;
}

export function registerUp(program: Command, cli: CliContext): void {
  program
    .command('up')
    .description('run the IoTopia server: FDO manufacturer, rendezvous and owner over HTTP, on an embedded database by default')
    .option('--roles <list>', 'comma-separated: manufacturer, rendezvous, owner, mud (default: all four)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
    .option('--data-dir <dir>', 'where the embedded database and the master key live (default ./.iotopia)')
    .option('--database <url>', 'postgres://… to use PostgreSQL instead of the embedded SQLite database')
    .option('--key-type <type>', 'type of the keys made on first start: secp256r1 (default), secp384r1, rsa2048, rsa3072')
    .option('--no-auto-owner', 'do not extend vouchers made here to this server’s owner key and register them (TO0)')
    .option('--public-host <host>', 'host name or address devices reach this server at (default: the listen host)')
    .option('--log-level <level>', 'fatal, error, warn, info (default), debug, trace or silent')
    .option('--keystore <backend>', 'where the server’s private keys live: software (default: sealed in the database) or pkcs11 (a token)')
    .option('--pkcs11-module <path>', 'with --keystore pkcs11: the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so')
    .option('--pkcs11-token <label>', 'with --keystore pkcs11: the label of the token that holds the keys')
    .option('--pkcs11-pin-file <file>', 'with --keystore pkcs11: a file whose first line is the user PIN (else IOTOPIA_PKCS11_PIN)')
    .option('--pkcs11-label-prefix <prefix>', 'with --keystore pkcs11: CKA_LABEL prefix of IoTopia’s keys (default "iotopia:")')
    .option(
      '--config <file>',
      'a JSON file of these settings (keys: roles, listen, dataDir, database, keyType, autoOwner, publicHost, logLevel, to0RefreshMargin, to0RefreshInterval, serviceInfoDir, keystore, pkcs11Module, pkcs11Token, pkcs11PinFile, pkcs11LabelPrefix)',
    )
    .addHelpText(
      'after',
      `\nSettings come from defaults, then --config, then the environment (${Object.values(ENV).join(', ')}), then flags.\n` +
        'The master key that seals private keys at rest is <data-dir>/master.key, made on first start, or IOTOPIA_MASTER_KEY\n' +
        '(64 hex digits; give every replica the same one when they share a PostgreSQL database).\n' +
        'With --keystore pkcs11 the keys are generated in the token and never leave it; the PIN comes from IOTOPIA_PKCS11_PIN\n' +
        'or --pkcs11-pin-file, never from a flag value (docs/keystore.md).',
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
        keystore: opts.keystore,
        pkcs11Module: opts.pkcs11Module,
        pkcs11Token: opts.pkcs11Token,
        pkcs11PinFile: opts.pkcs11PinFile === undefined ? undefined : pathIn(cli, opts.pkcs11PinFile),
        pkcs11LabelPrefix: opts.pkcs11LabelPrefix,
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
        // A keystore that cannot be opened is a setting to fix, named in the message (never the PIN).
        if (e instanceof KeystoreError) throw new CliExit(EXIT_USAGE, `${e.message} [${e.code}]`);
        throw e;
      }
      const lines = [
        `IoTopia is up at ${platform.url}  (roles: ${config.roles.join(', ')})`,
        `  database:   ${platform.database}`,
        `  master key: ${platform.masterKey.source}${platform.masterKey.created ? ' (created now: back it up; without it the stored private keys cannot be read)' : ''}`,
        `  keystore:   ${config.keystore?.backend === 'pkcs11' ? `pkcs11, token ${cli.output.text(config.keystore.token)}` : 'software (sealed by the master key)'}`,
      ];
      if (platform.keys.created.length > 0) lines.push(`  keys made:  ${platform.keys.created.join(', ')}`);
      if (platform.firstAdminToken !== undefined) {
        lines.push(
          `  admin API token (shown only this once; keep it secret): ${platform.firstAdminToken}`,
          `  management API: ${platform.url}/api/v1  (OpenAPI: ${platform.url}/api/v1/openapi.json)`,
        );
      }
      lines.push(
        '',
        'Get started (in another terminal):',
        `  npx iotopia device init --manufacturer ${platform.url}     # manufacture a simulated device (DI)`,
        '  npx iotopia device onboard                                 # find the owner and onboard (TO1, TO2)',
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
