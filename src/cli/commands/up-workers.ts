/**
 * `iotopia up --workers N` with N above 1 (ADR 0032): the first start in this process, then N
 * workers that serve; the start-up message once they all listen; SIGINT or SIGTERM stops them
 * all gracefully. A slot that keeps dying before it listens ends the server with exit code 1.
 */
import type { Logger } from 'pino';
import { KeystoreError } from '../../keystore/errors.ts';
import { ConfigError, type PlatformConfig } from '../../server/platform/config.ts';
import { prepareFirstStart, startWorkers, WorkerStartError } from '../../server/platform/platform.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { bannerLines, type UpSummary } from './up-banner.ts';

export async function upWithWorkers(cli: CliContext, config: PlatformConfig, logger: Logger): Promise<void> {
  const primary = logger.child({ worker: 'primary' });
  let first: Awaited<ReturnType<typeof prepareFirstStart>>;
  try {
    first = await prepareFirstStart(config, { env: cli.env, logger: primary });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
    if (e instanceof KeystoreError) throw new CliExit(EXIT_USAGE, `${e.message} [${e.code}]`);
    throw e;
  }
  let pool: Awaited<ReturnType<typeof startWorkers>>;
  try {
    pool = await startWorkers({
      first,
      count: config.workers ?? 1,
      env: cli.env,
      ...(cli.logStream === undefined ? {} : { logStream: cli.logStream }),
      log: (level, fields, message) => primary[level](fields, message),
    });
  } catch (e) {
    if (e instanceof WorkerStartError) throw new CliExit(e.usage ? EXIT_USAGE : EXIT_CHECK_FAILED, e.message);
    throw e;
  }
  const { lead } = pool;
  const summary: UpSummary = {
    url: lead.url,
    database: first.database,
    masterKey: first.masterKey,
    keysCreated: first.keysCreated,
    ...(first.tls === undefined || lead.tlsFingerprint === undefined ? {} : { tls: { ...first.tls, fingerprint: lead.tlsFingerprint } }),
    listeners: lead.listeners,
    manufacturing: lead.manufacturing,
    ...(first.firstAdminToken === undefined ? {} : { firstAdminToken: first.firstAdminToken }),
    workerPids: pool.pids(),
  };
  cli.output.out(`${bannerLines(cli, config, summary).join('\n')}\n`);
  const ended = await Promise.race([cli.stopRequested().then((signal) => ({ signal })), pool.failed.then((why) => ({ why }))]);
  if ('signal' in ended) cli.output.out(`\n${ended.signal}: stopping (finishing requests in flight)…\n`);
  await pool.stop();
  if ('why' in ended) throw new CliExit(EXIT_CHECK_FAILED, `stopped: ${ended.why}`);
}
